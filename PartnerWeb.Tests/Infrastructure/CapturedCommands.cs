using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace PartnerWeb.Tests.Infrastructure;

/// <summary>The queries a context sent, with their parameters, for plan tests that EXPLAIN exactly what the app runs.</summary>
public sealed class CapturedCommands : DbCommandInterceptor
{
    public List<(string Text, IReadOnlyList<(string Name, object? Value)> Parameters)> Commands { get; } = [];

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Commands.Add((command.CommandText, command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, (object?)p.Value)).ToList()));
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }
}
