using System.Buffers.Binary;
using System.ComponentModel.DataAnnotations;
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

/// <summary>A validated page position: how many rows, after which one.</summary>
public sealed record PageRequest(int Limit, Cursor? After);

/// <summary><c>limit</c> and <c>cursor</c> of a list request, validated by model binding (400 when wrong).</summary>
public class PageQuery : IValidatableObject
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    [Range(1, MaxLimit)]
    public int? Limit { get; init; }

    public string? Cursor { get; init; }

    public PageRequest ToRequest() => new(Limit ?? DefaultLimit,
        string.IsNullOrEmpty(Cursor) ? null : Infrastructure.Cursor.TryDecode(Cursor, out var c) ? c : null);

    public virtual IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(Cursor) && !Infrastructure.Cursor.TryDecode(Cursor, out _))
            yield return new ValidationResult("cursor is not a cursor this API returned.", [nameof(Cursor)]);
    }
}

public static class KeysetExtensions
{
    /// <summary>
    /// One page, newest first. Rows before the cursor are skipped by the WHERE clause on an
    /// index, so the cost does not grow with the page depth. The plain <c>CreatedAt &lt;= cursor</c> repeats
    /// what the OR implies because PostgreSQL cannot bound an index range by an OR: without it, it walks
    /// the index from the newest row to the cursor, filtering.
    /// </summary>
    public static async Task<Page<TOut>> ToPageAsync<T, TOut>(
        this IQueryable<T> query, PageRequest page, Func<T, TOut> map, CancellationToken ct)
        where T : class, IKeyset
    {
        if (page.After is { } c)
            query = query.Where(x => x.CreatedAt <= c.CreatedAt && (x.CreatedAt < c.CreatedAt || (x.CreatedAt == c.CreatedAt && x.Id.CompareTo(c.Id) < 0)));
        var rows = await query.OrderByDescending(x => x.CreatedAt).ThenByDescending(x => x.Id)
            .Take(page.Limit + 1).ToListAsync(ct);
        var hasMore = rows.Count > page.Limit;
        if (hasMore) rows.RemoveAt(rows.Count - 1);
        var next = hasMore ? new Cursor(rows[^1].CreatedAt, rows[^1].Id).Encode() : null;
        return new Page<TOut>(rows.Select(map).ToList(), hasMore, next);
    }
}
