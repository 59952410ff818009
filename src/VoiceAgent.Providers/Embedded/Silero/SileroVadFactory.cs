using Microsoft.Extensions.Options;
using VoiceAgent.Pipeline.Vad;

namespace VoiceAgent.Providers.Embedded.Silero;

/// <summary>Creates one <see cref="SileroVoiceActivityDetector"/> per stream over one shared <see cref="SileroModel"/>, loaded on first use.</summary>
public sealed class SileroVadFactory : IVoiceActivityDetectorFactory, IDisposable
{
    private readonly SileroVadOptions _options;
    private readonly Lazy<SileroModel> _model;

    public SileroVadFactory(IOptions<SileroVadOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _options.Validate();
        var path = _options.ResolvedModelPath;
        _model = new Lazy<SileroModel>(() => SileroModel.Load(path), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The shared model (loads and checks it on first use).</summary>
    public SileroModel Model => _model.Value;

    /// <summary>
    /// Null when the model file is the pinned one, ONNX Runtime loads it and one window of silence runs; otherwise what is
    /// wrong. The first call loads the model, so the start-up check is also the warm-up; later calls (from /health) only
    /// run one window.
    /// </summary>
    public string? CheckAvailable()
    {
        try
        {
            using var detector = Create(16_000, SileroVoiceActivityDetector.WindowMs);
            detector.IsSpeech(new short[16_000 / 1000 * SileroVoiceActivityDetector.WindowMs]);
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or DllNotFoundException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException or TypeInitializationException)
        {
            return $"Silero VAD unavailable: {ex.Message}";
        }
    }

    /// <summary>Silero has one window, 32 ms, whatever <paramref name="frameMs"/> asks for; callers frame by <see cref="IVoiceActivityDetector.FrameMs"/>.</summary>
    public IVoiceActivityDetector Create(int sampleRate, int frameMs) =>
        new SileroVoiceActivityDetector(_model.Value, sampleRate, _options.ActivationThreshold, _options.DeactivationThreshold);

    public void Dispose()
    {
        if (_model.IsValueCreated)
        {
            _model.Value.Dispose();
        }
    }
}
