using Hangfire;

namespace PartnerWeb.Jobs;

/// <summary>
/// Hands committed accrual tasks to Hangfire. A failure here loses nothing: the task rows are
/// already committed and the reconcile job enqueues them again.
/// </summary>
public sealed class AccrualScheduler(IBackgroundJobClient jobs, ILogger<AccrualScheduler> logger)
{
    public void Enqueue(IEnumerable<Guid> taskIds)
    {
        foreach (var taskId in taskIds)
        {
            try
            {
                jobs.Enqueue<AccrualJob>(job => job.RunAsync(taskId, CancellationToken.None));
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Accrual task {TaskId} not enqueued; the reconcile job will pick it up", taskId);
            }
        }
    }
}
