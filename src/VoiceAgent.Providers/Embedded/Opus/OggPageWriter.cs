using System.Buffers;
using System.Buffers.Binary;

namespace VoiceAgent.Providers.Embedded.Opus;

/// <summary>
/// Packs packets into Ogg pages (RFC 3533) for one logical stream: packets are collected until <see cref="Flush"/>,
/// which writes them as one page (or more, past 255 lacing values) so the caller decides how long audio waits.
/// </summary>
internal sealed class OggPageWriter(uint serial)
{
    private const byte Continued = 0x01;
    private const byte BeginningOfStream = 0x02;
    private const byte EndOfStream = 0x04;
    private const int MaxSegments = 255;

    private static readonly uint[] CrcTable = BuildCrcTable();

    private readonly ArrayBufferWriter<byte> _body = new(4096);
    private readonly List<byte> _lacing = new(MaxSegments);
    private readonly List<long> _granules = new(MaxSegments); // per lacing value: the packet's granule where it ends, else -1
    private uint _sequence;
    private bool _begun;

    /// <summary>Adds one whole packet to the page being built; <paramref name="granule"/> is the stream's position at its end (for Opus, 48 kHz samples).</summary>
    public void Add(ReadOnlySpan<byte> packet, long granule)
    {
        _body.Write(packet);
        for (var left = packet.Length; ; left -= 255)
        {
            // A packet is 255-byte segments and a last one under 255 bytes (0 when the length is a multiple of 255).
            _lacing.Add((byte)Math.Min(left, 255));
            if (left < 255)
            {
                _granules.Add(granule);
                break;
            }

            _granules.Add(-1);
        }
    }

    /// <summary>True when packets wait for a page.</summary>
    public bool HasPackets => _lacing.Count > 0;

    /// <summary>
    /// Writes the packets added so far as page(s) to <paramref name="output"/>; <paramref name="last"/> marks the end of the stream.
    /// </summary>
    public void Flush(IBufferWriter<byte> output, bool last = false)
    {
        var body = _body.WrittenSpan;
        var segment = 0;
        var continued = false;
        do
        {
            var count = Math.Min(MaxSegments, _lacing.Count - segment);
            var bytes = 0;
            long granule = -1; // a page on which no packet ends has -1, as RFC 3533 says
            for (var i = 0; i < count; i++)
            {
                bytes += _lacing[segment + i];
                granule = _granules[segment + i] >= 0 ? _granules[segment + i] : granule;
            }

            var final = segment + count == _lacing.Count;
            var endsPacket = _lacing[segment + count - 1] < 255;
            var flags = (byte)((continued ? Continued : 0) | (_begun ? 0 : BeginningOfStream) | (final && last ? EndOfStream : 0));
            var page = output.GetSpan(27 + count + bytes);
            "OggS"u8.CopyTo(page);
            page[4] = 0; // version
            page[5] = flags;
            BinaryPrimitives.WriteInt64LittleEndian(page[6..], granule);
            BinaryPrimitives.WriteUInt32LittleEndian(page[14..], serial);
            BinaryPrimitives.WriteUInt32LittleEndian(page[18..], _sequence++);
            BinaryPrimitives.WriteUInt32LittleEndian(page[22..], 0); // the checksum covers the page with this field zero
            page[26] = (byte)count;
            for (var i = 0; i < count; i++)
            {
                page[27 + i] = _lacing[segment + i];
            }

            body[..bytes].CopyTo(page[(27 + count)..]);
            var length = 27 + count + bytes;
            BinaryPrimitives.WriteUInt32LittleEndian(page[22..], Crc(page[..length]));
            output.Advance(length);

            continued = !endsPacket;
            body = body[bytes..];
            segment += count;
            _begun = true;
        }
        while (segment < _lacing.Count);

        _body.ResetWrittenCount();
        _lacing.Clear();
        _granules.Clear();
    }

    // Ogg's CRC-32: polynomial 0x04c11db7, initial value 0, not reflected, no final XOR.
    private static uint Crc(ReadOnlySpan<byte> data)
    {
        uint crc = 0;
        foreach (var b in data)
        {
            crc = (crc << 8) ^ CrcTable[(byte)(crc >> 24) ^ b];
        }

        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var r = i << 24;
            for (var bit = 0; bit < 8; bit++)
            {
                r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04c11db7 : r << 1;
            }

            table[i] = r;
        }

        return table;
    }
}
