using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PartnerWeb.Jobs;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

public sealed class AccrualBatchSizeTests
{
    [Fact]
    public void Tasks_committed_together_are_split_into_jobs_of_at_most_the_batch_size()
    {
        var client = new RecordingJobClient();
        var scheduler = new AccrualScheduler(client, Options.Create(new JobsOptions { AccrualBatchSize = 2 }), NullLogger<AccrualScheduler>.Instance);
        var ids = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToArray();

        scheduler.Enqueue(ids);

        Assert.Equal(
            [nameof(AccrualJob.RunBatchAsync), nameof(AccrualJob.RunBatchAsync), nameof(AccrualJob.RunAsync)],
            client.Jobs.Select(j => j.Method.Name));
        Assert.Equal(ids, client.TaskIds);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("10001")]
    public async Task A_batch_size_out_of_range_stops_the_start(string size)
    {
        await using var factory = PartnerWebFactory.On(null, new Dictionary<string, string?> { ["Jobs:AccrualBatchSize"] = size });
        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());
        Assert.Contains(nameof(JobsOptions.AccrualBatchSize), error.Message);
    }
}
