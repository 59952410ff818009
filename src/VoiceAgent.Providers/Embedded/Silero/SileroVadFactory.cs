using Microsoft.Extensions.Options;
using VoiceAgent.Pipeline.Vad;

namespace VoiceAgent.Providers.Embedded.Silero;

/// <summary>
/// Creates one <see cref="SileroVoiceActivityDetector"/> per stream over a small pool of <see cref="SileroModel"/>
/// sessions (one per core by default), handed out in turn. Measured: with every stream on one shared session, windows
/// run concurrently on two cores took twice as long as with a session per core (bench/results/silero-vad-bdn.txt);
/// each further session costs ~9 MiB.
/// </summary>
public sealed class SileroVadFactory : IVoiceActivityDetectorFactory, IDisposable
{
    private readonly SileroVadOptions _options;
    private readonly Lazy<SileroModel[]> _models;
    private int _next = -1;

    public SileroVadFactory(IOptions<SileroVadOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _options.Validate();
        var path = _options.ResolvedModelPath;
        var count = _options.Sessions > 0 ? _options.Sessions : Environment.ProcessorCount;
        _models = new Lazy<SileroModel[]>(() => [.. Enumerable.Range(0, count).Select(_ => SileroModel.Load(path))], LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The number of sessions (loads and checks the model on first use).</summary>
    public int SessionCount => _models.Value.Length;

    /// <summary>
    /// Null when the model file is the pinned one, ONNX Runtime loads it and one window of silence runs; otherwise what is
    /// wrong. The first call loads the model, so the start-up check is also the warm-up; later calls (from /health) only
    /// run one window.
    /// </summary>
    public string? CheckAvailable()
    {
        try
        {
            // Without the energy gate: a window of silence would otherwise never reach the model.
            var models = _models.Value;
            using var detector = new SileroVoiceActivityDetector(models[0], 16_000, _options.ActivationThreshold, _options.DeactivationThreshold);
            detector.IsSpeech(new short[16_000 / 1000 * SileroVoiceActivityDetector.WindowMs]);
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or DllNotFoundException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException or TypeInitializationException)
        {
            return $"Silero VAD unavailable: {ex.Message}";
        }
    }

    /// <summary>Silero has one window, 32 ms, whatever <paramref name="frameMs"/> asks for; callers frame by <see cref="IVoiceActivityDetector.FrameMs"/>.</summary>
    public IVoiceActivityDetector Create(int sampleRate, int frameMs)
    {
        var models = _models.Value;
        var model = models[(int)((uint)Interlocked.Increment(ref _next) % (uint)models.Length)];
        return new SileroVoiceActivityDetector(model, sampleRate, _options.ActivationThreshold, _options.DeactivationThreshold, _options.EnergyGateDbfs);
    }

    public void Dispose()
    {
        if (_models.IsValueCreated)
        {
            foreach (var model in _models.Value)
            {
                model.Dispose();
            }
        }
    }
}
