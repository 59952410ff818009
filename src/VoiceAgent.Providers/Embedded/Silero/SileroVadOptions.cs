using System.ComponentModel.DataAnnotations;

namespace VoiceAgent.Providers.Embedded.Silero;

/// <summary>Settings of the Silero VAD engine (configuration section <c>VoiceAgent:Vad:Silero</c>).</summary>
public sealed class SileroVadOptions
{
    /// <summary>A window starts speech when the model's speech probability reaches this (Silero's and LiveKit's default).</summary>
    [Range(0.01, 0.99)]
    public double ActivationThreshold { get; set; } = 0.5;

    /// <summary>Inside speech, a window stays speech while the probability stays at or above this; the gap to
    /// <see cref="ActivationThreshold"/> is the hysteresis that keeps soft syllables from splitting a turn.</summary>
    [Range(0.01, 0.99)]
    public double DeactivationThreshold { get; set; } = 0.35;

    /// <summary>
    /// Windows at or below this level (RMS, dBFS) are silence without running the model, which saves its whole cost on
    /// the digital silence of muted and noise-suppressed microphones. Measured on the turn-taking sets to change no
    /// decision (bench/results/turn-bench-run4.txt). Null runs the model on every window.
    /// </summary>
    [Range(-120.0, -20.0)]
    public double? EnergyGateDbfs { get; set; } = -60;

    /// <summary>The model file; empty means the copy shipped with the service (<c>models/silero/silero_vad.onnx</c>).
    /// Whatever the path, the file must be the pinned model (its SHA-256 is checked).</summary>
    public string? ModelPath { get; set; }

    /// <summary>ONNX Runtime sessions the calls are spread over; 0 means one per core (measured faster than one shared session).</summary>
    [Range(0, 64)]
    public int Sessions { get; set; }

    public string ResolvedModelPath => string.IsNullOrWhiteSpace(ModelPath)
        ? Path.Combine(AppContext.BaseDirectory, "models", "silero", SileroModel.FileName)
        : Path.GetFullPath(ModelPath, AppContext.BaseDirectory);

    public void Validate()
    {
        if (DeactivationThreshold > ActivationThreshold)
        {
            throw new ArgumentException($"VoiceAgent:Vad:Silero:DeactivationThreshold ({DeactivationThreshold}) must not exceed ActivationThreshold ({ActivationThreshold}).");
        }
    }
}
