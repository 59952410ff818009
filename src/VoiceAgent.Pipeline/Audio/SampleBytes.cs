using System.Buffers;
using System.Runtime.InteropServices;

namespace VoiceAgent.Pipeline.Audio;

/// <summary>
/// A synthesized <c>short[]</c> seen as the PCM16 little-endian bytes it already is, as <see cref="Memory{T}"/>: slices of
/// it travel as the reply's audio chunks down to the socket without one copy (this runtime is little-endian where we ship).
/// </summary>
internal sealed class SampleBytes(short[] samples) : MemoryManager<byte>
{
    /// <summary>The samples' bytes: a view where the runtime is little-endian, else a converted copy.</summary>
    /// <remarks>The manager owns nothing to release (pins end with their handles), so nothing disposes it.</remarks>
#pragma warning disable CA2000
    public static ReadOnlyMemory<byte> Of(short[] samples) =>
        BitConverter.IsLittleEndian ? new SampleBytes(samples).Memory : Pcm16.ToBytes(samples);
#pragma warning restore CA2000

    public override Span<byte> GetSpan() => MemoryMarshal.AsBytes(samples.AsSpan());

    public override unsafe MemoryHandle Pin(int elementIndex = 0)
    {
        var handle = GCHandle.Alloc(samples, GCHandleType.Pinned);
        return new MemoryHandle((byte*)handle.AddrOfPinnedObject() + elementIndex, handle, this);
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
