using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Api.Telephony;

/// <summary>
/// The caller's audio from one media message, coded as the stream's start said: <paramref name="Length"/> bytes at the
/// start of <paramref name="Rented"/>, an array from <see cref="AudioPool"/> that whoever ends up holding it returns.
/// <paramref name="Chunk"/> orders it when the carrier numbers its chunks.
/// </summary>
public readonly record struct CarrierAudio(long? Chunk, byte[] Rented, int Length)
{
    /// <summary>The coded bytes.</summary>
    public ReadOnlySpan<byte> Span => Rented.AsSpan(0, Length);

    /// <summary>Gives the array back to the pool (a no-op for the empty default).</summary>
    public void Return()
    {
        if (Rented is { Length: > 0 })
        {
            AudioPool.Return(Rented);
        }
    }
}
