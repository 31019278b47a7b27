using Hangfire.AspNetCore;
using Hangfire.Logging;

namespace PartnerWeb.Jobs;

/// <summary>
/// Hangfire keeps its log provider in a static. With more than one host in a process (the tests),
/// the host that set it last may be disposed while another still enqueues jobs; creating a logger
/// from its disposed factory would then fail the enqueue. Such loggers become silent instead.
/// </summary>
internal sealed class HostLogProvider(ILoggerFactory loggerFactory) : ILogProvider
{
    private readonly AspNetCoreLogProvider _inner = new(loggerFactory);

    public ILog GetLogger(string name)
    {
        try
        {
            return _inner.GetLogger(name);
        }
        catch (ObjectDisposedException)
        {
            return SilentLog.Instance;
        }
    }

    private sealed class SilentLog : ILog
    {
        public static readonly SilentLog Instance = new();
        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
