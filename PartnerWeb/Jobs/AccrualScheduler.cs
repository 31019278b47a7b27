using Hangfire;

namespace PartnerWeb.Jobs;

/// <summary>
/// Hands committed accrual tasks to Hangfire: the tasks committed together go to one job (at most
/// <see cref="MaxBatch"/> per job), which completes them in one transaction. A failure here loses
/// nothing: the task rows are already committed and the reconcile job enqueues them again.
/// </summary>
public sealed class AccrualScheduler(IBackgroundJobClient jobs, ILogger<AccrualScheduler> logger)
{
    public const int MaxBatch = 200;

    public void Enqueue(IEnumerable<Guid> taskIds)
    {
        foreach (var batch in taskIds.Chunk(MaxBatch))
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
