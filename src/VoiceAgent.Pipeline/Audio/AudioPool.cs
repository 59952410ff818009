using System.Buffers;

namespace VoiceAgent.Pipeline.Audio;

/// <summary>
/// Arrays for audio that one stage hands to the next, from the shared array pool: a live call moves tens of small
/// buffers a second, each read once, so renting them instead of allocating keeps the garbage collector out of the path.
/// </summary>
/// <remarks>
/// The reader returns an array once it has copied the audio on; a frame that is never read (a call torn down with
/// frames queued) simply leaves its array to the garbage collector. The array is returned at most once.
/// </remarks>
public static class AudioPool
{
    /// <summary>A rented array (at least <paramref name="length"/> long; often longer).</summary>
    public static byte[] Rent(int length) => ArrayPool<byte>.Shared.Rent(length);

    /// <summary>A rented array holding a copy of <paramref name="audio"/> at its start.</summary>
    public static byte[] Rent(ReadOnlySpan<byte> audio)
    {
        var rented = ArrayPool<byte>.Shared.Rent(audio.Length);
        audio.CopyTo(rented);
        return rented;
    }

    /// <summary>Returns <paramref name="rented"/> (if any) and clears the reference, so a second call does nothing.</summary>
    public static void Return(ref byte[]? rented)
    {
        if (Interlocked.Exchange(ref rented, null) is { } array)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
