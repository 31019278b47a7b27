using System.Buffers.Binary;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using PartnerWeb.Domain;

namespace PartnerWeb.Infrastructure;

public sealed record Page<T>(IReadOnlyList<T> Items, bool HasMore, string? NextCursor);

/// <summary>Position after the last row of a page: its CreatedAt and Id, opaque to clients.</summary>
public readonly record struct Cursor(DateTime CreatedAt, Guid Id)
{
    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[24];
        BinaryPrimitives.WriteInt64BigEndian(bytes, CreatedAt.Ticks);
        Id.TryWriteBytes(bytes[8..]);
        return WebEncoders.Base64UrlEncode(bytes.ToArray());
    }

    public static bool TryDecode(string value, out Cursor cursor)
    {
        cursor = default;
        try
        {
            var bytes = WebEncoders.Base64UrlDecode(value);
            if (bytes.Length != 24) return false;
            var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes);
            if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks) return false;
            cursor = new Cursor(new DateTime(ticks, DateTimeKind.Utc), new Guid(bytes.AsSpan(8)));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

/// <summary>The validated <c>limit</c> and <c>cursor</c> of a list request.</summary>
public sealed record PageRequest(int Limit, Cursor? After)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static Result<PageRequest> Parse(int? limit, string? cursor)
    {
        if (limit is < 1 or > MaxLimit)
            return AppError.Validation("limit", $"limit must be between 1 and {MaxLimit}.");
        Cursor? after = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            if (!Cursor.TryDecode(cursor, out var decoded))
                return AppError.Validation("cursor", "cursor is not a cursor this API returned.");
            after = decoded;
        }
        return new PageRequest(limit ?? DefaultLimit, after);
    }
}

public static class KeysetExtensions
{
    /// <summary>
    /// One page, newest first. Rows before the cursor are skipped by the WHERE clause on an
    /// index, so the cost does not grow with the page depth.
    /// </summary>
    public static async Task<Page<TOut>> ToPageAsync<T, TOut>(
        this IQueryable<T> query, PageRequest page, Func<T, TOut> map, CancellationToken ct)
        where T : class, IKeyset
    {
        if (page.After is { } c)
            query = query.Where(x => x.CreatedAt < c.CreatedAt || (x.CreatedAt == c.CreatedAt && x.Id.CompareTo(c.Id) < 0));
        var rows = await query.OrderByDescending(x => x.CreatedAt).ThenByDescending(x => x.Id)
            .Take(page.Limit + 1).ToListAsync(ct);
        var hasMore = rows.Count > page.Limit;
        if (hasMore) rows.RemoveAt(rows.Count - 1);
        var next = hasMore ? new Cursor(rows[^1].CreatedAt, rows[^1].Id).Encode() : null;
        return new Page<TOut>(rows.Select(map).ToList(), hasMore, next);
    }
}
