namespace VoiceAgent.Api.Recorded;

/// <summary>
/// Collects one upload's numbered packets (seq 1..total) in any order. A duplicate is held once: it is acknowledged
/// again without being counted. Limits: <c>total</c> at most <paramref name="maxPackets"/>, all data at most
/// <paramref name="maxBytes"/> (over it the upload is discarded, since it could never be assembled).
/// </summary>
public sealed class PacketAssembler(string what, int maxPackets, long maxBytes)
{
    private readonly Dictionary<int, byte[]> _packets = [];
    private long _bytes;

    /// <summary>The upload's <c>total</c>, fixed by its first packet; null before any packet.</summary>
    public int? Total { get; private set; }

    public int Received => _packets.Count;

    public bool HasPackets => _packets.Count > 0;

    public bool IsComplete => Total is { } total && _packets.Count == total;

    /// <summary>Adds a packet: Accepted, Duplicate, or an error (the packet is not counted).</summary>
    public PacketOutcome Add(int seq, int total, byte[] data, string? type = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (total < 1 || total > maxPackets)
        {
            return Fail($"'total' must be 1..{maxPackets}; packet {seq} says {total}.", "bad_total", seq, type);
        }

        if (Total is { } expected && total != expected)
        {
            return Fail($"Packet {seq} says total {total}, but this {what} upload has total {expected}. It was not counted.", "inconsistent_total", seq, type);
        }

        if (seq < 1 || seq > total)
        {
            return Fail($"'seq' {seq} is outside 1..{total} (packets are numbered from 1). It was not counted.", "seq_out_of_range", seq, type);
        }

        if (_packets.TryGetValue(seq, out var held))
        {
            return held.AsSpan().SequenceEqual(data)
                ? PacketOutcome.Duplicate
                : Fail($"Packet {seq} was sent again with different data; the first copy is kept.", "conflicting_duplicate", seq, type);
        }

        if (_bytes + data.Length > maxBytes)
        {
            Reset();
            return Fail($"The {what} is over {maxBytes} bytes; the upload was discarded.", "upload_too_large", seq, type);
        }

        Total = total;
        _packets[seq] = data;
        _bytes += data.Length;
        return PacketOutcome.Accepted;
    }

    /// <summary>The packet numbers not yet received, in order.</summary>
    public IReadOnlyList<int> Missing() => Total is { } total ? [.. Enumerable.Range(1, total).Where(s => !_packets.ContainsKey(s))] : [];

    /// <summary>The packets' data in <c>seq</c> order; call when <see cref="IsComplete"/>.</summary>
    public byte[] Assemble()
    {
        if (!IsComplete)
        {
            throw new InvalidOperationException("The upload is not complete.");
        }

        var all = new byte[_bytes];
        var offset = 0;
        for (var seq = 1; seq <= Total; seq++)
        {
            _packets[seq].CopyTo(all, offset);
            offset += _packets[seq].Length;
        }

        return all;
    }

    public void Reset()
    {
        _packets.Clear();
        _bytes = 0;
        Total = null;
    }

    /// <summary>The error for an incomplete upload: which packets are missing. The caller discards the upload.</summary>
    public RecordedError MissingError(string when, string? type = null)
    {
        var missing = Missing();
        var list = string.Join(", ", missing.Take(50)) + (missing.Count > 50 ? ", …" : "");
        return new RecordedError($"{when}, {Received} of {Total} {what} packets arrived; missing: {list}. The upload was discarded; send it again.", "missing_packets", Type: type, Missing: missing);
    }

    private static PacketOutcome Fail(string message, string code, int seq, string? type) => new(PacketStatus.Rejected, new RecordedError(message, code, seq, type));
}
