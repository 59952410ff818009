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

    // Sum of squared samples at or below which a window is not run through the model (null: every window runs).
    private readonly long? _gateEnergy;

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
    /// <param name="energyGateDbfs">
    /// Outside speech, a window whose level (RMS, dBFS) is at or below this is silence without asking the model: digital
    /// silence from a muted or noise-suppressed microphone, or a line this quiet, cannot start speech, and the model is the
    /// whole cost of the VAD. The recurrent state becomes the one the model settles into on silence, and the audio context moves on. Null runs every window.
    /// </param>
    public SileroVoiceActivityDetector(SileroModel model, int sampleRate, double activationThreshold = 0.5, double deactivationThreshold = 0.35, double? energyGateDbfs = null)
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
        if (energyGateDbfs is { } gate)
        {
            var amplitude = 32768.0 * Math.Pow(10, gate / 20);
            _gateEnergy = (long)(amplitude * amplitude * _windowSamples);
        }

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

    internal ReadOnlySpan<float> State => _state;

    /// <summary>Windows the energy gate answered without running the model.</summary>
    public long GatedWindows { get; private set; }

    public bool IsSpeech(ReadOnlySpan<short> frame)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (frame.Length != _windowSamples)
        {
            throw new ArgumentException($"Expected {_windowSamples} samples ({WindowMs} ms at {SampleRate} Hz), got {frame.Length}.", nameof(frame));
        }

        var fresh = _input.AsSpan(_contextSamples);
        long energy = 0;
        for (var i = 0; i < frame.Length; i++)
        {
            fresh[i] = frame[i] / 32768f;
            energy += frame[i] * frame[i];
        }

        // Inside speech every window runs: the model's own hangover decides where speech ends, gate or not.
        if (!InSpeech && energy <= _gateEnergy)
        {
            GatedWindows++;
            _probability[0] = 0;
            _model.SilenceState(SampleRate).CopyTo(_state.AsSpan());
        }
        else
        {
            _model.Session.RunWithBinding(_runOptions, _binding);

            // The output state is the next window's input state; the two are separate buffers, as ONNX Runtime requires.
            _stateOut.AsSpan().CopyTo(_state);
        }

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
