using System.Buffers;

namespace VoiceAgent.Pipeline.Audio;

/// <summary>
/// Arrays for audio that one stage hands to the next, from a pool: a live call moves tens of small
/// buffers a second, each read once, so renting them instead of allocating keeps the garbage collector out of the path.
/// </summary>
/// <remarks>
/// The reader returns an array once it has copied the audio on; a frame that is never read (a call torn down with
/// frames queued) simply leaves its array to the garbage collector. The array is returned at most once.
/// Its own pool, not <see cref="ArrayPool{T}.Shared"/>: the shared pool keeps about 32 arrays of a size per core, while
/// hundreds of calls each hold a frame or two in flight at any moment, so returns overflowed it and nearly every rent
/// allocated anew (measured: 60% of the service's allocations at 400 calls, bench/profile-capacity.sh). This one keeps
/// up to <see cref="ArraysPerSize"/> arrays of each size, about what thousands of calls hold between two stages.
/// </remarks>
public static class AudioPool
{
    /// <summary>Arrays kept per power-of-two size (at most 8 MB of the 1 KB arrays a 20 or 30 ms frame takes).</summary>
    public const int ArraysPerSize = 8192;

    // 64 KB covers the largest client frame (1 s of 16 kHz PCM16); anything longer is allocated and not kept.
    private static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Create(64 * 1024, ArraysPerSize);

    /// <summary>A rented array (at least <paramref name="length"/> long; often longer).</summary>
    public static byte[] Rent(int length) => Pool.Rent(length);

    /// <summary>A rented array holding a copy of <paramref name="audio"/> at its start.</summary>
    public static byte[] Rent(ReadOnlySpan<byte> audio)
    {
        var rented = Pool.Rent(audio.Length);
        audio.CopyTo(rented);
        return rented;
    }

    /// <summary>Returns an array rented here.</summary>
    public static void Return(byte[] rented) => Pool.Return(rented);

    /// <summary>Returns <paramref name="rented"/> (if any) and clears the reference, so a second call does nothing.</summary>
    public static void Return(ref byte[]? rented)
    {
        if (Interlocked.Exchange(ref rented, null) is { } array)
        {
            Pool.Return(array);
        }
    }
}
