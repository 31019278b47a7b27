using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace PartnerWeb.Bench;

/// <summary>
/// One benchmark database: where the app finds it, and the raw connections the benchmark uses for setup,
/// polling and ceilings. SQL is written once with quoted Pascal-case identifiers and @name parameters,
/// which both SQLite and PostgreSQL read; values are given as Guid, DateTime (UTC), string, long, int and
/// bool and converted to each provider's storage format here.
/// </summary>
internal abstract class BenchDb
{
    /// <summary>"SQLite" or "PostgreSQL", as the report names it.</summary>
    public abstract string Name { get; }

    /// <summary>The app's Database:Provider value.</summary>
    public abstract string AppProvider { get; }

    /// <summary>The app's ConnectionStrings:Default value.</summary>
    public abstract string AppConnectionString { get; }

    /// <summary>A connection for setup: durability relaxed for speed (setup only; measurements never use it).</summary>
    public abstract DbConnection OpenForSetup();

    /// <summary>A connection with the durability the app runs at (polling, the raw payout ceiling, the depth sweep's cursors).</summary>
    public abstract DbConnection OpenAsApp();

    /// <summary>A value as this provider stores it (SQLite: GUIDs as upper-case text, date-times as text).</summary>
    public abstract object? Value(object? value);

    /// <summary>Bulk rows into a table of the app's schema (the app is stopped meanwhile).</summary>
    public abstract int Insert(DbConnection connection, string table, string[] columns, IEnumerable<object?[]> rows);

    /// <summary>After a bulk load: SQLite empties its WAL; PostgreSQL collects statistics and sets the visibility map, as autovacuum would soon.</summary>
    public abstract void AfterBulkLoad(DbConnection connection);

    /// <summary>Between payout runs, after the earnings are detached again, so that every run starts alike.</summary>
    public abstract void AfterReset(DbConnection connection);

    /// <summary>Whether the app's schema has this table (quoted Pascal-case name).</summary>
    public abstract bool TableExists(DbConnection connection, string table);

    /// <summary>SQL for the UTC calendar day of a timestamp column, as the app stores a DateOnly (SQLite: text yyyy-MM-dd; PostgreSQL: date).</summary>
    public abstract string UtcDay(string column);

    /// <summary>CPU time the database server has used so far, when it runs in processes of its own (PostgreSQL); 0 for SQLite, which runs inside the app.</summary>
    public virtual double CpuSeconds => 0;

    /// <summary>When the phase is over: PostgreSQL drops the database and checkpoints, so nothing of it runs during the next phase.</summary>
    public virtual void Finish()
    {
    }

    public void Exec(DbConnection connection, string sql, params (string Name, object? Value)[] args)
    {
        using var command = Command(connection, sql, args);
        command.ExecuteNonQuery();
    }

    public T Scalar<T>(DbConnection connection, string sql, params (string Name, object? Value)[] args)
    {
        using var command = Command(connection, sql, args);
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), CultureInfo.InvariantCulture);
    }

    public object Scalar(DbConnection connection, string sql, params (string Name, object? Value)[] args)
    {
        using var command = Command(connection, sql, args);
        return command.ExecuteScalar() ?? throw new InvalidOperationException("no value: " + sql);
    }

    public Dictionary<string, object?> Row(DbConnection connection, string sql, params (string Name, object? Value)[] args)
    {
        using var command = Command(connection, sql, args);
        using var reader = command.ExecuteReader();
        if (!reader.Read()) throw new InvalidOperationException("no row: " + sql);
        return Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, i => reader.IsDBNull(i) ? null : reader.GetValue(i));
    }

    private DbCommand Command(DbConnection connection, string sql, (string Name, object? Value)[] args)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in args)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = Value(value) ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    /// <summary>A GUID read back from either provider (SQLite: text; PostgreSQL: uuid).</summary>
    public static Guid AsGuid(object value) => value is Guid g ? g : Guid.Parse((string)value);

    /// <summary>A UTC date-time read back from either provider (SQLite: text; PostgreSQL: timestamp with time zone).</summary>
    public static DateTime AsUtc(object value) => value is DateTime d
        ? DateTime.SpecifyKind(d.ToUniversalTime(), DateTimeKind.Utc)
        : DateTime.SpecifyKind(DateTime.Parse((string)value, CultureInfo.InvariantCulture), DateTimeKind.Utc);
}

/// <summary>A SQLite file in the work folder, in WAL mode as the app runs it.</summary>
internal sealed class SqliteBenchDb(string path) : BenchDb
{
    public string Path { get; } = path;
    public override string Name => "SQLite";
    public override string AppProvider => "Sqlite";
    public override string AppConnectionString => $"Data Source={Path}";

    /// <summary>A fresh file (any earlier one and its WAL removed).</summary>
    public static SqliteBenchDb Create(string directory, string name)
    {
        var path = System.IO.Path.Combine(directory, $"{name}.db");
        foreach (var file in new[] { path, path + "-wal", path + "-shm" }) File.Delete(file);
        return new SqliteBenchDb(path);
    }

    public static string G(Guid id) => id.ToString().ToUpperInvariant();
    public static string D(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

    public override object? Value(object? value) => value switch
    {
        Guid g => G(g),
        DateTime d => D(d),
        bool b => b ? 1L : 0L,
        _ => value,
    };

    public override DbConnection OpenForSetup()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false, ForeignKeys = true }.ToString());
        connection.Open();
        Exec(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;");
        return connection;
    }

    public override DbConnection OpenAsApp()
    {
        var connection = new SqliteConnection($"Data Source={Path};Pooling=False");
        connection.Open();
        Exec(connection, $"PRAGMA synchronous={BenchSettings.AppSynchronous}; {BenchSettings.AppPragmas}");
        return connection;
    }

    /// <summary>Rows with one prepared statement, 50,000 per transaction.</summary>
    public override int Insert(DbConnection connection, string table, string[] columns, IEnumerable<object?[]> rows)
    {
        const int perTransaction = 50_000;
        var sqlite = (SqliteConnection)connection;
        using var command = sqlite.CreateCommand();
        command.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"$p{i}"))})";
        var parameters = columns.Select((_, i) => command.Parameters.Add(new SqliteParameter($"$p{i}", null))).ToArray();
        var count = 0;
        var tx = sqlite.BeginTransaction();
        command.Transaction = tx;
        command.Prepare();
        foreach (var row in rows)
        {
            for (var i = 0; i < parameters.Length; i++) parameters[i].Value = Value(row[i]) ?? DBNull.Value;
            command.ExecuteNonQuery();
            if (++count % perTransaction == 0)
            {
                tx.Commit();
                tx.Dispose();
                tx = sqlite.BeginTransaction();
                command.Transaction = tx;
            }
        }
        tx.Commit();
        tx.Dispose();
        return count;
    }

    public override void AfterBulkLoad(DbConnection connection) => Exec(connection, "PRAGMA wal_checkpoint(TRUNCATE);");

    public override bool TableExists(DbConnection connection, string table) =>
        Scalar<long>(connection, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @t", ("@t", table)) > 0;

    public override string UtcDay(string column) => $"date(\"{column}\")";

    public override void AfterReset(DbConnection connection) => Exec(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
}

/// <summary>
/// A database of its own on the PostgreSQL server the script started (created fresh per phase, dropped
/// when the phase is over). Bulk rows go in with binary COPY.
/// </summary>
internal sealed class PostgresBenchDb : BenchDb
{
    private readonly string _server;
    private readonly int _postmasterPid;

    public string Database { get; }
    public override string Name => "PostgreSQL";
    public override string AppProvider => "PostgreSql";
    public override string AppConnectionString => $"{_server};Database={Database}";

    private PostgresBenchDb(string server, string database, int postmasterPid = 0)
    {
        _server = server;
        Database = database;
        _postmasterPid = postmasterPid;
    }

    /// <summary>A fresh database "bench_NAME" (any earlier one dropped), made with CREATE DATABASE.</summary>
    public static PostgresBenchDb Create(string server, string name)
    {
        using var admin = Admin(server);
        var dataDirectory = new PostgresBenchDb(server, "postgres").Scalar<string>(admin, "SHOW data_directory");
        var pidFile = System.IO.Path.Combine(dataDirectory, "postmaster.pid");
        var pid = File.Exists(pidFile) ? int.Parse(File.ReadLines(pidFile).First(), CultureInfo.InvariantCulture) : 0;
        var db = new PostgresBenchDb(server, "bench_" + name, pid);
        // Database names cannot be parameters; these are "bench_" and the phase's name.
        db.Exec(admin, $"DROP DATABASE IF EXISTS \"{db.Database}\" WITH (FORCE)");
        db.Exec(admin, $"CREATE DATABASE \"{db.Database}\"");
        return db;
    }

    public static NpgsqlConnection Admin(string server)
    {
        var connection = new NpgsqlConnection($"{server};Database=postgres;Pooling=false");
        connection.Open();
        return connection;
    }

    public override object? Value(object? value) => value;

    /// <summary>
    /// The postmaster's CPU time, that of the processes it has waited for (ended backends), and that of its
    /// children now running (backends, checkpointer, WAL writer, autovacuum), from /proc in clock ticks of 1/100 s.
    /// NaN when the server is not on this machine or its processes cannot be read.
    /// </summary>
    public override double CpuSeconds
    {
        get
        {
            if (_postmasterPid == 0) return double.NaN;
            try
            {
                long ticks = 0;
                foreach (var dir in Directory.EnumerateDirectories("/proc"))
                {
                    var name = System.IO.Path.GetFileName(dir);
                    if (name.Length == 0 || !char.IsAsciiDigit(name[0])) continue;
                    string stat;
                    try
                    {
                        stat = File.ReadAllText(System.IO.Path.Combine(dir, "stat"));
                    }
                    catch (IOException)
                    {
                        continue;
                    }
                    // After the name: state, ppid, ... utime (12th), stime, cutime, cstime.
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    var pid = int.Parse(name, CultureInfo.InvariantCulture);
                    long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
                    if (pid == _postmasterPid) ticks += Field(11) + Field(12) + Field(13) + Field(14);
                    else if (Field(1) == _postmasterPid) ticks += Field(11) + Field(12);
                }
                return ticks / 100.0;
            }
            catch (UnauthorizedAccessException)
            {
                return double.NaN;
            }
        }
    }

    public override DbConnection OpenForSetup()
    {
        var connection = Open();
        // Setup commits need not wait for their WAL flush (a crash would only lose setup rows; none happens).
        Exec(connection, "SET synchronous_commit = off");
        return connection;
    }

    /// <summary>The server's settings, as the app's connections run (synchronous_commit=on).</summary>
    public override DbConnection OpenAsApp() => Open();

    private NpgsqlConnection Open()
    {
        var connection = new NpgsqlConnection($"{AppConnectionString};Pooling=false;Command Timeout=600");
        connection.Open();
        return connection;
    }

    /// <summary>
    /// One binary COPY per call. Each value is written as its column's type (read from the catalog), so
    /// the same rows serve SQLite and PostgreSQL: uuid, bigint, integer, boolean, timestamp with time zone
    /// (UTC), numeric, and text for the character types.
    /// </summary>
    public override int Insert(DbConnection connection, string table, string[] columns, IEnumerable<object?[]> rows)
    {
        var npgsql = (NpgsqlConnection)connection;
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var command = new NpgsqlCommand(
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = to_regclass(@t) AND attnum > 0 AND NOT attisdropped", npgsql))
        {
            command.Parameters.AddWithValue("t", $"\"{table}\"");
            using var reader = command.ExecuteReader();
            while (reader.Read()) types[reader.GetString(0)] = reader.GetString(1);
        }
        var writers = columns.Select(c => Writer(types.TryGetValue(c, out var type) ? type : throw new InvalidOperationException($"no column {table}.{c}"))).ToArray();

        var count = 0;
        using var import = npgsql.BeginBinaryImport(
            $"COPY \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) FROM STDIN (FORMAT BINARY)");
        foreach (var row in rows)
        {
            import.StartRow();
            for (var i = 0; i < writers.Length; i++)
            {
                if (row[i] is null) import.WriteNull();
                else writers[i](import, row[i]!);
            }
            count++;
        }
        import.Complete();
        return count;
    }

    private static Action<NpgsqlBinaryImporter, object> Writer(string type) => type switch
    {
        "uuid" => (w, v) => w.Write(AsGuid(v), NpgsqlDbType.Uuid),
        "bigint" => (w, v) => w.Write(Convert.ToInt64(v, CultureInfo.InvariantCulture), NpgsqlDbType.Bigint),
        "integer" => (w, v) => w.Write(Convert.ToInt32(v, CultureInfo.InvariantCulture), NpgsqlDbType.Integer),
        "boolean" => (w, v) => w.Write(Convert.ToBoolean(v, CultureInfo.InvariantCulture), NpgsqlDbType.Boolean),
        "timestamp with time zone" => (w, v) => w.Write(AsUtc(v), NpgsqlDbType.TimestampTz),
        _ when type.StartsWith("numeric", StringComparison.Ordinal) => (w, v) => w.Write(Convert.ToDecimal(v, CultureInfo.InvariantCulture), NpgsqlDbType.Numeric),
        _ when type is "text" || type.StartsWith("character", StringComparison.Ordinal) =>
            (w, v) => w.Write(Convert.ToString(v, CultureInfo.InvariantCulture)!, NpgsqlDbType.Text),
        _ => throw new InvalidOperationException($"no COPY writer for the column type {type}"),
    };

    public override bool TableExists(DbConnection connection, string table) =>
        Scalar<bool>(connection, "SELECT to_regclass(@t) IS NOT NULL", ("@t", $"\"{table}\""));

    public override string UtcDay(string column) => $"(\"{column}\" AT TIME ZONE 'UTC')::date";

    public override void AfterBulkLoad(DbConnection connection)
    {
        Exec(connection, "VACUUM (ANALYZE)");
        Exec(connection, "CHECKPOINT");
    }

    /// <summary>The detach left a dead version of every earning: vacuum them, then checkpoint, as SQLite empties its WAL.</summary>
    public override void AfterReset(DbConnection connection)
    {
        Exec(connection, "VACUUM \"PartnerEarnings\"");
        Exec(connection, "CHECKPOINT");
    }

    public override void Finish()
    {
        NpgsqlConnection.ClearAllPools();
        using var admin = Admin(_server);
        Exec(admin, $"DROP DATABASE IF EXISTS \"{Database}\" WITH (FORCE)");
        Exec(admin, "CHECKPOINT");
    }

    /// <summary>The server's version and the settings that bear on the figures, as SHOW reports them.</summary>
    public static Dictionary<string, string> Describe(string server)
    {
        using var admin = Admin(server);
        var db = new PostgresBenchDb(server, "postgres");
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["version"] = db.Scalar<string>(admin, "SHOW server_version"),
        };
        foreach (var name in new[] { "fsync", "synchronous_commit", "full_page_writes", "wal_sync_method", "shared_buffers", "max_wal_size", "checkpoint_timeout", "max_connections" })
            settings[name] = db.Scalar<string>(admin, $"SHOW {name}");
        return settings;
    }
}
