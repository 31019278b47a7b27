using System.Data.SqlTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.Time.Testing;
using PartnerWeb.Data;
using PartnerWeb.Domain;

namespace PartnerWeb.Tests.Unit;

/// <summary>
/// Checks of the model that SQLite alone would never fail: it enforces no column length, and its
/// ids sort as text. Each runs against every provider's model.
/// </summary>
public sealed class ModelChecksTests
{
    public static TheoryData<string> Providers => new() { "Sqlite", "SqlServer", "PostgreSql" };

    private static AppDbContext Context(string provider) => provider switch
    {
        "SqlServer" => new SqlServerDesignTimeFactory().CreateDbContext([]),
        "PostgreSql" => new PostgreSqlDesignTimeFactory().CreateDbContext([]),
        _ => new SqliteDesignTimeFactory().CreateDbContext([]),
    };

    [Theory]
    [MemberData(nameof(Providers))]
    public void Every_enum_stored_as_text_fits_its_column(string provider)
    {
        using var db = Context(provider);
        var enumColumns = db.Model.GetEntityTypes().SelectMany(e => e.GetProperties())
            .Where(p => (Nullable.GetUnderlyingType(p.ClrType) ?? p.ClrType).IsEnum && p.GetProviderClrType() == typeof(string))
            .ToList();
        Assert.NotEmpty(enumColumns);
        Assert.All(enumColumns, p =>
        {
            var enumType = Nullable.GetUnderlyingType(p.ClrType) ?? p.ClrType;
            var converter = p.GetTypeMapping().Converter!;
            var longest = Enum.GetValues(enumType).Cast<object>().Select(v => (string)converter.ConvertToProvider(v)!).MaxBy(s => s.Length)!;
            var maxLength = p.GetMaxLength();
            Assert.True(maxLength is not null, $"{p.DeclaringType.DisplayName()}.{p.Name} has no maximum length");
            Assert.True(longest.Length <= maxLength, $"{p.DeclaringType.DisplayName()}.{p.Name} is {maxLength} characters; '{longest}' needs {longest.Length}");
        });
    }

    [Fact]
    public void Rfc_ids_insert_in_byte_order_as_PostgreSql_and_SQLite_sort_them()
    {
        var ids = Generate(IdOrder.Rfc);
        Assert.All(ids, id => Assert.Equal(7, id.Version));
        AssertIncreasing(ids, (a, b) => a.CompareTo(b));
        // SQLite stores EF's Guids as upper-case text.
        AssertIncreasing(ids, (a, b) => string.CompareOrdinal(a.ToString().ToUpperInvariant(), b.ToString().ToUpperInvariant()));
    }

    [Fact]
    public void SqlServer_ids_insert_in_uniqueidentifier_order()
    {
        AssertIncreasing(Generate(IdOrder.SqlServer), (a, b) => new SqlGuid(a).CompareTo(new SqlGuid(b)));
    }

    [Fact]
    public void Plain_version_7_ids_would_not_insert_in_order_on_SqlServer()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        var ids = Enumerable.Range(0, 200).Select(_ => { clock.Advance(TimeSpan.FromMilliseconds(1)); return Guid.CreateVersion7(clock.GetUtcNow()); }).ToList();
        Assert.Contains(ids.Zip(ids.Skip(1)), pair => new SqlGuid(pair.First).CompareTo(new SqlGuid(pair.Second)) > 0);
    }

    /// <summary>Many ids per millisecond, a clock that stands still and one that steps back.</summary>
    private static List<Guid> Generate(IdOrder order)
    {
        var clock = new SettableClock { Now = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero) };
        var ids = new IdGenerator(clock, order);
        var random = new Random(7);
        var result = new List<Guid>();
        for (var i = 0; i < 20_000; i++)
        {
            var step = random.Next(10);
            clock.Now = clock.Now.AddMilliseconds(step == 0 ? -3 : step < 4 ? step : 0);
            result.Add(ids.NewId());
        }
        return result;
    }

    private sealed class SettableClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static void AssertIncreasing(List<Guid> ids, Comparison<Guid> compare)
    {
        for (var i = 1; i < ids.Count; i++)
            Assert.True(compare(ids[i - 1], ids[i]) < 0, $"id {i} ({ids[i]}) sorts before id {i - 1} ({ids[i - 1]})");
    }
}
