using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;

namespace PartnerWeb.Data;

/// <summary>
/// Index filters and check constraints are written once, in the form SQLite and SQL Server read
/// (bare column names, booleans as 1). PostgreSQL folds bare names to lower case, while EF creates the
/// columns quoted in Pascal case, and it has a real boolean type; so for it the column names of the
/// entity's own table are quoted and <c>Flag = 1</c> becomes <c>"Flag"</c>. Anything this misses fails
/// when the migrations run on PostgreSQL in the test suite, not in production.
/// </summary>
internal static class PostgreSqlIdentifiers
{
    public static void QuoteRawSql(ModelBuilder modelBuilder)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            var columns = entity.GetProperties().ToDictionary(p => p.GetColumnName(), p => p.ClrType);
            foreach (var index in entity.GetIndexes().Where(i => i.GetFilter() is not null))
                index.SetFilter(Quote(index.GetFilter()!, columns));
            foreach (var check in entity.GetCheckConstraints().ToList())
            {
                entity.RemoveCheckConstraint(check.ModelName);
                entity.AddCheckConstraint(check.ModelName, Quote(check.Sql, columns));
            }
        }
    }

    internal static string Quote(string sql, IReadOnlyDictionary<string, Type> columns) =>
        Regex.Replace(sql, @"(?<![""\w'])([A-Za-z_]\w*)(?![""\w'])(\s*=\s*1\b)?", m =>
        {
            var name = m.Groups[1].Value;
            if (!columns.TryGetValue(name, out var type)) return m.Value;
            var isBool = (Nullable.GetUnderlyingType(type) ?? type) == typeof(bool);
            return isBool && m.Groups[2].Success ? $"\"{name}\"" : $"\"{name}\"{m.Groups[2].Value}";
        });
}
