using BenchmarkDotNet.Attributes;
using VoiceAgent.Providers.Embedded.Silero;

namespace VoiceAgent.Benchmarks.Embedded;

/// <summary>Cost of one Silero VAD v5 window (32 ms: 512 samples at 16 kHz, 256 at 8 kHz) on speech-like audio, one stream.</summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "BenchmarkDotNet does not dispose benchmarks: [GlobalCleanup] disposes the fields.")]
public class SileroVadBenchmarks
{
    private short[] _window16 = null!;
    private short[] _window8 = null!;
    private SileroModel _model = null!;
    private SileroVoiceActivityDetector _vad16 = null!;
    private SileroVoiceActivityDetector _vad8 = null!;

    [GlobalSetup]
    public void Setup()
    {
        _model = SileroModel.Load(new SileroVadOptions().ResolvedModelPath);
        _window16 = VoicedWindow(16_000, 512);
        _window8 = VoicedWindow(8_000, 256);
        _vad16 = new SileroVoiceActivityDetector(_model, 16_000);
        _vad8 = new SileroVoiceActivityDetector(_model, 8_000);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _vad16.Dispose();
        _vad8.Dispose();
        _model.Dispose();
    }

    [Benchmark(Baseline = true)]
    public bool Window32Ms16kHz() => _vad16.IsSpeech(_window16);

    [Benchmark]
    public bool Window32Ms8kHz() => _vad8.IsSpeech(_window8);

    /// <summary>A 150 Hz fundamental with harmonics plus noise, as the WebRTC benchmark uses.</summary>
    internal static short[] VoicedWindow(int rate, int samples)
    {
        var random = new Random(7);
        var w = new short[samples];
        for (var i = 0; i < w.Length; i++)
        {
            double s = 0;
            for (var h = 1; h <= 10; h++)
            {
                s += 3_000.0 / h * Math.Sin(2 * Math.PI * 150 * h * i / rate);
            }

            w[i] = (short)(s + random.Next(-300, 300));
        }

        return w;
    }
}
