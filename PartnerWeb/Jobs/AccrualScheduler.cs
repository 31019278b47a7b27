using Hangfire;
using Microsoft.Extensions.Options;

namespace PartnerWeb.Jobs;

/// <summary>
/// Hands committed accrual tasks to Hangfire: the tasks committed together go to one job (at most
/// <c>Jobs:AccrualBatchSize</c> per job), which completes them in one transaction. A failure here loses
/// nothing: the task rows are already committed and the reconcile job enqueues them again.
/// </summary>
public sealed class AccrualScheduler(IBackgroundJobClient jobs, IOptions<JobsOptions> options, ILogger<AccrualScheduler> logger)
{
    /// <summary>
    /// Enqueues off the caller's path: a group commit hands its tasks over and goes on with the next
    /// group instead of waiting for the job storage. Losing this hand-over (a crash right after the
    /// commit) loses nothing, as above.
    /// </summary>
    public void EnqueueInBackground(Guid[] taskIds) => _ = Task.Run(() => Enqueue(taskIds));

    public void Enqueue(IEnumerable<Guid> taskIds)
    {
        foreach (var batch in taskIds.Chunk(options.Value.AccrualBatchSize))
        {
            try
            {
                if (batch.Length == 1)
                {
                    var taskId = batch[0];
                    jobs.Enqueue<AccrualJob>(job => job.RunAsync(taskId, CancellationToken.None));
                }
                else
                {
                    jobs.Enqueue<AccrualJob>(job => job.RunBatchAsync(batch, CancellationToken.None));
                }
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Accrual tasks {TaskIds} not enqueued; the reconcile job will pick them up", batch);
            }
        }
    }
}
