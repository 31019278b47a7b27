using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PartnerWeb.Jobs;
using PartnerWeb.Tests.Infrastructure;

namespace PartnerWeb.Tests.Integration;

public sealed class AccrualBatchSizeTests
{
    private sealed class RecordingJobClient : IBackgroundJobClient
    {
        public List<Job> Jobs { get; } = [];

        public string Create(Job job, IState state)
        {
            Jobs.Add(job);
            return Jobs.Count.ToString();
        }

        public bool ChangeState(string jobId, IState state, string expectedState) => false;
    }

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
        var handed = client.Jobs.SelectMany(j => j.Args[0] switch
        {
            Guid[] batch => batch,
            Guid one => [one],
            var other => throw new Xunit.Sdk.XunitException($"unexpected job argument {other}"),
        });
        Assert.Equal(ids, handed);
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
