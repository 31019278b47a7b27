using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using PartnerWeb.Data;

namespace PartnerWeb.Tests.Infrastructure;

/// <summary>
/// A SQL Server context that never reaches a server: the connection is not opened, and every command
/// is recorded and answered with nothing (no rows, one row affected). Code under test runs its real
/// EF statements against it, so their T-SQL can be parsed although SQL Server cannot run here.
/// </summary>
public sealed class SqlServerStatements : DbCommandInterceptor, IDbConnectionInterceptor, IDbTransactionInterceptor
{
    public List<string> Captured { get; } = [];

    /// <summary>Rows to answer a query with (by its text), so the statements a read sends only after finding some are captured too; none by default.</summary>
    public Func<string, DataTable?> Answer { get; set; } = _ => null;

    public SqlServerAppDbContext Context() => new(new DbContextOptionsBuilder<SqlServerAppDbContext>()
        .UseSqlServer("Server=(captured);Database=PartnerWeb;Trusted_Connection=True")
        .AddInterceptors(this).Options);

    /// <summary>A SqlCommand refuses any transaction but a real SqlTransaction; this one takes the stand-in and keeps SqlClient's parameters.</summary>
    public override DbCommand CommandCreated(CommandEndEventData eventData, DbCommand result) => new DetachedCommand((Microsoft.Data.SqlClient.SqlCommand)result);

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken ct = default)
    {
        Captured.Add(command.CommandText);
        return ValueTask.FromResult(InterceptionResult<int>.SuppressWithResult(1));
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken ct = default)
    {
        Captured.Add(command.CommandText);
        return ValueTask.FromResult(InterceptionResult<DbDataReader>.SuppressWithResult((Answer(command.CommandText) ?? new DataTable()).CreateDataReader()));
    }

    public ValueTask<InterceptionResult> ConnectionOpeningAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken ct = default) =>
        ValueTask.FromResult(InterceptionResult.Suppress());

    public InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) => InterceptionResult.Suppress();

    public ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken ct = default) =>
        ValueTask.FromResult(InterceptionResult<DbTransaction>.SuppressWithResult(new NoTransaction(connection)));

    public ValueTask<InterceptionResult> TransactionCommittingAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken ct = default) =>
        ValueTask.FromResult(InterceptionResult.Suppress());

    public ValueTask<InterceptionResult> TransactionRollingBackAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken ct = default) =>
        ValueTask.FromResult(InterceptionResult.Suppress());

    private sealed class DetachedCommand(Microsoft.Data.SqlClient.SqlCommand inner) : DbCommand
    {
        [System.Diagnostics.CodeAnalysis.AllowNull]
        public override string CommandText { get => inner.CommandText; set => inner.CommandText = value; }
        public override int CommandTimeout { get => inner.CommandTimeout; set => inner.CommandTimeout = value; }
        public override CommandType CommandType { get => inner.CommandType; set => inner.CommandType = value; }
        public override bool DesignTimeVisible { get; set; }
        public override UpdateRowSource UpdatedRowSource { get; set; }
        protected override DbConnection? DbConnection { get; set; }
        protected override DbParameterCollection DbParameterCollection => inner.Parameters;
        protected override DbTransaction? DbTransaction { get; set; }
        public override void Cancel() { }
        public override int ExecuteNonQuery() => throw new InvalidOperationException("Nothing is executed: the interceptor answers.");
        public override object? ExecuteScalar() => throw new InvalidOperationException("Nothing is executed: the interceptor answers.");
        public override void Prepare() { }
        protected override DbParameter CreateDbParameter() => inner.CreateParameter();
        protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => throw new InvalidOperationException("Nothing is executed: the interceptor answers.");
    }

    private sealed class NoTransaction(DbConnection connection) : DbTransaction
    {
        public override IsolationLevel IsolationLevel => IsolationLevel.ReadCommitted;
        protected override DbConnection DbConnection => connection;
        public override void Commit() { }
        public override void Rollback() { }
    }
}
