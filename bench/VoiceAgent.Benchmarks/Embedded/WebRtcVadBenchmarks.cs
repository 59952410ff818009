using BenchmarkDotNet.Attributes;
using VoiceAgent.Providers.Embedded.WebRtcVad;

namespace VoiceAgent.Benchmarks.Embedded;

/// <summary>Cost of one WebRTC VAD decision on a 30 ms frame at 16 kHz, on a silent and on a voiced-like frame.</summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "BenchmarkDotNet does not dispose benchmarks: [GlobalCleanup] disposes the fields.")]
public class WebRtcVadBenchmarks
{
    private const int Rate = 16_000;
    private const int FrameMs = 30;

    private readonly short[] _silence = new short[Rate / 1000 * FrameMs];
    private readonly short[] _voiced = new short[Rate / 1000 * FrameMs];
    private WebRtcVoiceActivityDetector _vad = null!;

    [GlobalSetup]
    public void Setup()
    {
        // A 150 Hz fundamental with harmonics plus noise: busy enough that the GMM does real work.
        var random = new Random(7);
        for (var i = 0; i < _voiced.Length; i++)
        {
            double s = 0;
            for (var h = 1; h <= 10; h++)
            {
                s += 3_000.0 / h * Math.Sin(2 * Math.PI * 150 * h * i / Rate);
            }

            _voiced[i] = (short)(s + random.Next(-300, 300));
        }

        _vad = new WebRtcVoiceActivityDetector(Rate, FrameMs, mode: 2);
    }

    [GlobalCleanup]
    public void Cleanup() => _vad.Dispose();

    [Benchmark(Baseline = true)]
    public bool SilentFrame30Ms() => _vad.IsSpeech(_silence);

    [Benchmark]
    public bool VoicedFrame30Ms() => _vad.IsSpeech(_voiced);
}
