using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PartnerWeb.Tests.Infrastructure;

/// <summary>
/// Every log entry an app writes from <paramref name="minimum"/> up, kept for a test to read (registered by
/// <see cref="LogCapturingFactory"/>). Below Information the app's own Logging:LogLevel must let entries through too.
/// </summary>
public sealed class CapturedLogs(LogLevel minimum = LogLevel.Information) : ILoggerProvider
{
    public sealed record Entry(LogLevel Level, string Category, string Message, string? Exception = null);

    private readonly LogLevel _minimum = minimum;

    public ConcurrentQueue<Entry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= logs._minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) logs.Entries.Enqueue(new Entry(logLevel, category, formatter(state, exception), exception?.ToString()));
        }
    }
}

/// <summary>An app whose log entries the test can read.</summary>
public sealed class LogCapturingFactory : PartnerWebFactory
{
    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureTestServices(IServiceCollection services) =>
        services.AddSingleton<ILoggerProvider>(Logs);
}
