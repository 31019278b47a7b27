using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using PartnerWeb.Jobs;

namespace PartnerWeb.Tests.Infrastructure;

/// <summary>A job client that keeps the jobs it is handed instead of running them.</summary>
public sealed class RecordingJobClient : IBackgroundJobClient
{
    private readonly List<Job> _jobs = [];

    public IReadOnlyList<Job> Jobs
    {
        get
        {
            lock (_jobs) return [.. _jobs];
        }
    }

    /// <summary>Every accrual task id handed over, as often as it was handed over.</summary>
    public IReadOnlyList<Guid> TaskIds => Jobs.Where(j => j.Type == typeof(AccrualJob)).SelectMany(j => j.Args[0] switch
    {
        Guid[] batch => batch,
        Guid one => [one],
        var other => throw new Xunit.Sdk.XunitException($"unexpected job argument {other}"),
    }).ToList();

    public string Create(Job job, IState state)
    {
        lock (_jobs)
        {
            _jobs.Add(job);
            return _jobs.Count.ToString();
        }
    }

    public bool ChangeState(string jobId, IState state, string expectedState) => false;
}
