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
    public void Foreign_cursors_are_refused(string value) => Assert.False(Cursor.TryDecode(value, out _));

    [Theory]
    [InlineData(null, 50)]
    [InlineData(1, 1)]
    [InlineData(200, 200)]
    public void Limits_in_range_are_taken(int? limit, int expected)
    {
        var page = PageRequest.Parse(limit, null);
        Assert.True(page.IsSuccess);
        Assert.Equal(expected, page.Value!.Limit);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(201)]
    public void Limits_out_of_range_are_400(int limit)
    {
        var page = PageRequest.Parse(limit, null);
        Assert.Equal(400, page.Error!.Status);
        Assert.True(page.Error.Errors!.ContainsKey("limit"));
    }
}
