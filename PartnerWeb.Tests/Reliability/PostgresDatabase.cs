using Npgsql;

namespace PartnerWeb.Tests.Reliability;

/// <summary>Reads the test's PostgreSQL database directly; connections are not pooled, so none outlives its query.</summary>
internal sealed class PostgresDatabase(string connectionString)
{
    private readonly string _connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    public long Scalar(string sql)
    {
        using var connection = Open();
        using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(command.ExecuteScalar() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }

    public List<T> Rows<T>(string sql, Func<NpgsqlDataReader, T> read, params object[] parameters)
    {
        using var connection = Open();
        using var command = new NpgsqlCommand(sql, connection);
        for (var i = 0; i < parameters.Length; i++) command.Parameters.AddWithValue($"p{i}", parameters[i]);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(read(reader));
        return rows;
    }

    private NpgsqlConnection Open()
    {
        var connection = new NpgsqlConnection(_connectionString);
        connection.Open();
        return connection;
    }
}
