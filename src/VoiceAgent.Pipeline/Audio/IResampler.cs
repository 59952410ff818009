using System.Buffers;

namespace VoiceAgent.Pipeline.Audio;

/// <summary>A streaming PCM16 mono sample-rate converter; it keeps state between calls, so one instance serves one stream.</summary>
public interface IResampler : IDisposable
{
    int InputRate { get; }

    int OutputRate { get; }

    /// <summary>
    /// Converts <paramref name="input"/> and writes whatever output is ready to <paramref name="output"/> (a caller that
    /// converts a stream keeps one <see cref="ArrayBufferWriter{T}"/> and resets it per chunk, so steady state allocates nothing).
    /// </summary>
    void Process(ReadOnlySpan<short> input, IBufferWriter<short> output);

    /// <summary>Drains the remaining tail at the end of the stream into <paramref name="output"/>; the resampler cannot be used after it.</summary>
    void Flush(IBufferWriter<short> output);
}

/// <summary>Creates resamplers; the engine behind it is chosen by configuration.</summary>
public interface IResamplerFactory
{
    IResampler Create(int inputRate, int outputRate);
}
