using Microsoft.ML.OnnxRuntime;
using VoiceAgent.Pipeline.Vad;

namespace VoiceAgent.Providers.Embedded.Silero;

/// <summary>
/// Speech/non-speech per 32 ms window (512 samples at 16 kHz, 256 at 8 kHz) from Silero VAD v5, with hysteresis.
/// Holds one stream's recurrent state and audio context; the input, output and state buffers are bound once
/// (<see cref="OrtIoBinding"/>), so a window allocates nothing.
/// </summary>
public sealed class SileroVoiceActivityDetector : IVoiceActivityDetector
{
    public const int WindowMs = 32;

    private const int StateLength = 2 * 1 * 128;

    private readonly SileroModel _model;
    private readonly int _windowSamples;
    private readonly int _contextSamples;
    private readonly float _activation;
    private readonly float _deactivation;

    // The model reads the last context samples of the previous window before the new ones; without them it finds no speech.
    private readonly float[] _input;
    private readonly float[] _state = new float[StateLength];
    private readonly float[] _stateOut = new float[StateLength];
    private readonly float[] _probability = new float[1];
    private readonly long[] _rate = new long[1];
    private readonly OrtValue[] _values;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();
    private bool _disposed;

    /// <param name="model">The shared model.</param>
    /// <param name="sampleRate">16 000 or 8 000 Hz.</param>
    /// <param name="activationThreshold">Probability that starts speech.</param>
    /// <param name="deactivationThreshold">Probability below which speech stops (at most the activation threshold).</param>
    public SileroVoiceActivityDetector(SileroModel model, int sampleRate, double activationThreshold = 0.5, double deactivationThreshold = 0.35)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (sampleRate is not (16_000 or 8_000))
        {
            throw new ArgumentException($"Silero VAD supports 16000 or 8000 Hz, not {sampleRate} Hz.", nameof(sampleRate));
        }

        if (activationThreshold is <= 0 or >= 1 || deactivationThreshold <= 0 || deactivationThreshold > activationThreshold)
        {
            throw new ArgumentException($"Silero thresholds must satisfy 0 < deactivation ({deactivationThreshold}) <= activation ({activationThreshold}) < 1.");
        }

        _model = model;
        SampleRate = sampleRate;
        _windowSamples = sampleRate / 1000 * WindowMs;
        _contextSamples = sampleRate == 16_000 ? 64 : 32;
        _activation = (float)activationThreshold;
        _deactivation = (float)deactivationThreshold;
        _input = new float[_contextSamples + _windowSamples];
        _rate[0] = sampleRate;

        // Disposed with the binding in Dispose.
#pragma warning disable CA2000
        _values =
        [
            OrtValue.CreateTensorValueFromMemory(_input, [1, _input.Length]),
            OrtValue.CreateTensorValueFromMemory(_state, [2, 1, 128]),
            OrtValue.CreateTensorValueFromMemory(_rate, []),
            OrtValue.CreateTensorValueFromMemory(_probability, [1, 1]),
            OrtValue.CreateTensorValueFromMemory(_stateOut, [2, 1, 128]),
        ];
#pragma warning restore CA2000
        _binding = model.Session.CreateIoBinding();
        _binding.BindInput("input", _values[0]);
        _binding.BindInput("state", _values[1]);
        _binding.BindInput("sr", _values[2]);
        _binding.BindOutput("output", _values[3]);
        _binding.BindOutput("stateN", _values[4]);
    }

    public int SampleRate { get; }

    /// <summary>Always 32 ms: the model's window.</summary>
    public int FrameMs => WindowMs;

    /// <summary>The speech probability of the last window (0..1).</summary>
    public float Probability => _probability[0];

    /// <summary>Whether the detector is inside speech (the hysteresis state).</summary>
    public bool InSpeech { get; private set; }

    public bool IsSpeech(ReadOnlySpan<short> frame)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (frame.Length != _windowSamples)
        {
            throw new ArgumentException($"Expected {_windowSamples} samples ({WindowMs} ms at {SampleRate} Hz), got {frame.Length}.", nameof(frame));
        }

        var fresh = _input.AsSpan(_contextSamples);
        for (var i = 0; i < frame.Length; i++)
        {
            fresh[i] = frame[i] / 32768f;
        }

        _model.Session.RunWithBinding(_runOptions, _binding);

        // The output state is the next window's input state; the two are separate buffers, as ONNX Runtime requires.
        _stateOut.AsSpan().CopyTo(_state);
        _input.AsSpan(_input.Length - _contextSamples).CopyTo(_input);

        var p = _probability[0];
        InSpeech = InSpeech ? p >= _deactivation : p >= _activation;
        return InSpeech;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _binding.Dispose();
        foreach (var value in _values)
        {
            value.Dispose();
        }

        _runOptions.Dispose();
    }
}
