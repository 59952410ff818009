namespace VoiceAgent.Pipeline.Audio;

/// <summary>A piece of PCM audio together with its format.</summary>
public readonly record struct AudioChunk(ReadOnlyMemory<byte> Data, AudioFormat Format)
{
    public TimeSpan Duration => Format.DurationOf(Data.Length);
}
