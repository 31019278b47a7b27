using System.ComponentModel.DataAnnotations;
using PartnerWeb.Infrastructure;

namespace PartnerWeb.Tests.Unit;

public sealed class PagingTests
{
    [Fact]
    public void Cursor_round_trips()
    {
        var cursor = new Cursor(new DateTime(2026, 11, 24, 10, 30, 15, 123, DateTimeKind.Utc).AddTicks(4567), Guid.CreateVersion7());
        Assert.True(Cursor.TryDecode(cursor.Encode(), out var decoded));
        Assert.Equal(cursor, decoded);
        Assert.Equal(DateTimeKind.Utc, decoded.CreatedAt.Kind);
    }

    [Theory]
    [InlineData("garbage!")]
    [InlineData("AAAA")]
    [InlineData("__________________________________")]
    public void Foreign_cursors_are_refused(string value)
    {
        Assert.False(Cursor.TryDecode(value, out _));
        Assert.False(IsValid(new PageQuery { Cursor = value }));
    }

    [Theory]
    [InlineData(null, 50)]
    [InlineData(1, 1)]
    [InlineData(200, 200)]
    public void Limits_in_range_are_taken(int? limit, int expected)
    {
        var query = new PageQuery { Limit = limit };
        Assert.True(IsValid(query));
        Assert.Equal(expected, query.ToRequest().Limit);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(201)]
    public void Limits_out_of_range_are_invalid(int limit) => Assert.False(IsValid(new PageQuery { Limit = limit }));

    private static bool IsValid(PageQuery query) =>
        Validator.TryValidateObject(query, new ValidationContext(query), [], validateAllProperties: true);
}
