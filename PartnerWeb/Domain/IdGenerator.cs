using System.Security.Cryptography;

namespace PartnerWeb.Domain;

/// <summary>How the database orders its GUID keys, and so how new ids are laid out to insert at the end of the index.</summary>
public enum IdOrder
{
    /// <summary>Byte by byte from the first (SQLite blobs or text, PostgreSQL uuid): RFC 9562 version 7.</summary>
    Rfc,

    /// <summary>SQL Server's uniqueidentifier: bytes 10–15 first, then 8–9, 6–7, 4–5 and 0–3.</summary>
    SqlServer,
}

/// <summary>
/// Time-ordered ids from the injected clock, so keys insert at the end of their index instead of
/// splitting pages all over it, and tests stay deterministic. Version 7 layout (48-bit millisecond
/// timestamp, then a 12-bit counter that keeps ids of one millisecond in order, then random bits);
/// for SQL Server the same 16 bytes are placed where its uniqueidentifier order reads them first.
/// </summary>
public sealed class IdGenerator(TimeProvider clock, IdOrder order = IdOrder.Rfc)
{
    /// <summary>SQL Server compares the bytes of <see cref="Guid.ToByteArray()"/> in this order.</summary>
    private static readonly int[] SqlServerOrder = [10, 11, 12, 13, 14, 15, 8, 9, 6, 7, 4, 5, 0, 1, 2, 3];

    private readonly Lock _gate = new();
    private long _lastMs = -1;
    private int _counter;

    public Guid NewId()
    {
        var (ms, counter) = Next(clock.GetUtcNow().ToUnixTimeMilliseconds());
        Span<byte> rfc = stackalloc byte[16];
        RandomNumberGenerator.Fill(rfc[8..]);
        for (var i = 0; i < 6; i++) rfc[i] = (byte)(ms >> (40 - 8 * i));
        rfc[6] = (byte)(0x70 | (counter >> 8));
        rfc[7] = (byte)counter;
        rfc[8] = (byte)(0x80 | (rfc[8] & 0x3F));
        if (order == IdOrder.Rfc) return new Guid(rfc, bigEndian: true);

        Span<byte> sqlServer = stackalloc byte[16];
        for (var i = 0; i < 16; i++) sqlServer[SqlServerOrder[i]] = rfc[i];
        return new Guid(sqlServer);
    }

    /// <summary>Never goes back: a clock that stands still or steps back keeps the last millisecond and counts on.</summary>
    private (long Ms, int Counter) Next(long now)
    {
        lock (_gate)
        {
            if (now > _lastMs)
            {
                _lastMs = now;
                _counter = RandomNumberGenerator.GetInt32(0, 0x400);
            }
            else if (++_counter > 0xFFF)
            {
                _lastMs++;
                _counter = 0;
            }
            return (_lastMs, _counter);
        }
    }
}
