using System.Buffers;
using BenchmarkDotNet.Attributes;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Providers.Embedded.Soxr;

namespace VoiceAgent.Benchmarks.Embedded;

/// <summary>Resampling one second of 22 050 Hz audio to 16 000 Hz in 20 ms chunks, as a live stream would: soxr against the linear fallback.</summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "BenchmarkDotNet does not dispose benchmarks: [GlobalCleanup] disposes the fields.")]
public class SoxrResamplerBenchmarks
{
    private const int InputRate = 22_050;
    private const int OutputRate = 16_000;
    private const int ChunkSamples = InputRate / 50; // 20 ms

    private readonly short[] _second = new short[InputRate];
    private readonly ArrayBufferWriter<short> _output = new(OutputRate * 2);
    private SoxrResampler _soxr = null!;
    private LinearResampler _linear = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(11);
        for (var i = 0; i < _second.Length; i++)
        {
            _second[i] = (short)((8_000 * Math.Sin(2 * Math.PI * 1_000 * i / InputRate)) + random.Next(-500, 500));
        }

        // One long-lived stream per benchmark, like one call: steady-state cost, not set-up cost.
        _soxr = new SoxrResampler(InputRate, OutputRate);
        _linear = new LinearResampler(InputRate, OutputRate);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _soxr.Dispose();
        _linear.Dispose();
    }

    [Benchmark(Baseline = true)]
    public int SoxrOneSecondIn20MsChunks() => Run(_soxr);

    [Benchmark]
    public int LinearOneSecondIn20MsChunks() => Run(_linear);

    [Benchmark]
    public int SoxrCreateProcessFlushOneSecond()
    {
        using var resampler = new SoxrResampler(InputRate, OutputRate);
        _output.ResetWrittenCount();
        resampler.Process(_second, _output);
        resampler.Flush(_output);
        return _output.WrittenCount;
    }

    private int Run(IResampler resampler)
    {
        _output.ResetWrittenCount();
        for (var at = 0; at + ChunkSamples <= _second.Length; at += ChunkSamples)
        {
            resampler.Process(_second.AsSpan(at, ChunkSamples), _output);
        }

        return _output.WrittenCount;
    }
}
