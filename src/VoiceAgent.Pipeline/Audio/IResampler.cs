namespace VoiceAgent.Pipeline.Audio;

/// <summary>A streaming PCM16 mono sample-rate converter; it keeps state between calls, so one instance serves one stream.</summary>
public interface IResampler : IDisposable
{
    int InputRate { get; }

    int OutputRate { get; }

    /// <summary>Converts <paramref name="input"/> and appends whatever output is ready to <paramref name="output"/>.</summary>
    void Process(ReadOnlySpan<short> input, List<short> output);

    /// <summary>Drains the remaining tail at the end of the stream; the resampler cannot be used after it.</summary>
    void Flush(List<short> output);
}

/// <summary>Creates resamplers; the engine behind it is chosen by configuration.</summary>
public interface IResamplerFactory
{
    IResampler Create(int inputRate, int outputRate);
}
