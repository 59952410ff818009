using BenchmarkDotNet.Attributes;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Vad;

namespace VoiceAgent.Benchmarks.Pipeline;

/// <summary>
/// The per-frame path of a call without the VAD engine: a 30 ms frame's worth of input appended to the framer, the
/// frame read back, the endpointer's decision. Target: under 2 µs and no allocation per frame in steady state.
/// </summary>
[MemoryDiagnoser]
public class FramePathBenchmarks
{
    private const int FrameBytes = 960;
    private readonly byte[] _chunk = new byte[FrameBytes];
    private AudioFramer _framer = null!;
    private VadEndpointer _endpointer = null!;
    private int _i;

    [GlobalSetup]
    public void Setup()
    {
        new Random(1).NextBytes(_chunk);
        _framer = new AudioFramer(FrameBytes);
        _endpointer = new VadEndpointer(new VadEndpointerOptions(), FrameBytes);
    }

    [Benchmark(Description = "framer: 30 ms in, one frame out")]
    public int Framer()
    {
        _framer.Append(_chunk);
        return _framer.TryReadFrame(out var frame) ? frame.Length : 0;
    }

    [Benchmark(Description = "endpointer: one 30 ms frame (speech/silence pattern)")]
    public EndpointerEvent Endpointer()
    {
        // 40 frames of speech, then 40 of silence: starts, continues and ends turns.
        var speech = (_i++ / 40 & 1) == 0;
        return _endpointer.Process(_chunk, speech, agentActive: false);
    }

    [Benchmark(Description = "framer + endpointer per frame")]
    public EndpointerEvent Both()
    {
        _framer.Append(_chunk);
        _framer.TryReadFrame(out var frame);
        var speech = (_i++ / 40 & 1) == 0;
        return _endpointer.Process(frame, speech, agentActive: false);
    }
}
