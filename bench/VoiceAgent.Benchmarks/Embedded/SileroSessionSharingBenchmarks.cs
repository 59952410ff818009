using BenchmarkDotNet.Attributes;
using VoiceAgent.Providers.Embedded.Silero;

namespace VoiceAgent.Benchmarks.Embedded;

/// <summary>
/// Many calls, one window each, run on every core at once: all streams on one shared InferenceSession, or each worker
/// thread on its own session (a pool of one session per core). Decides how the service serves many calls.
/// </summary>
[MemoryDiagnoser]
public class SileroSessionSharingBenchmarks
{
    private const int Streams = 64;

    private readonly int _workers = Environment.ProcessorCount;
    private short[] _window = null!;
    private SileroModel[] _models = null!;
    private SileroVoiceActivityDetector[] _shared = null!;
    private SileroVoiceActivityDetector[] _pooled = null!;

    [GlobalSetup]
    public void Setup()
    {
        _window = SileroVadBenchmarks.VoicedWindow(16_000, 512);
        var path = new SileroVadOptions().ResolvedModelPath;
        _models = [.. Enumerable.Range(0, _workers).Select(_ => SileroModel.Load(path))];
        _shared = [.. Enumerable.Range(0, Streams).Select(_ => new SileroVoiceActivityDetector(_models[0], 16_000))];

        // Stream s runs on worker s % workers, whose session is models[worker].
        _pooled = [.. Enumerable.Range(0, Streams).Select(s => new SileroVoiceActivityDetector(_models[s % _workers], 16_000))];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var d in _shared.Concat(_pooled))
        {
            d.Dispose();
        }

        foreach (var m in _models)
        {
            m.Dispose();
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Streams)]
    public void SharedSession() => RunAll(_shared);

    [Benchmark(OperationsPerInvoke = Streams)]
    public void SessionPerCore() => RunAll(_pooled);

    private void RunAll(SileroVoiceActivityDetector[] detectors) =>
        Parallel.For(0, _workers, new ParallelOptions { MaxDegreeOfParallelism = _workers }, w =>
        {
            for (var s = w; s < Streams; s += _workers)
            {
                detectors[s].IsSpeech(_window);
            }
        });
}
