using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace PartnerWeb.Tests.Infrastructure;

/// <summary>SQL Server cannot run here; what it would be sent is at least parsed as T-SQL.</summary>
public static class TSql
{
    /// <summary>Parses the text as SQL Server 2022 would (quoted identifiers on) and fails with every error and the text.</summary>
    public static TSqlScript AssertParses(string sql)
    {
        var script = new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors.Select(e => $"line {e.Line}: {e.Message}")) + Environment.NewLine + sql);
        return (TSqlScript)script;
    }
}
