using BenchmarkDotNet.Attributes;
using VoiceAgent.Pipeline.Text;

namespace VoiceAgent.Benchmarks.Text;

/// <summary>
/// Cost of splitting one ~400-char mixed English/Chinese reply streamed as ~4-char tokens. Divide by
/// <see cref="TokenCount"/> for the per-token cost; allocations should be the output sentences only.
/// </summary>
[MemoryDiagnoser]
public class SentenceSplitterBenchmarks
{
    private const string Reply =
        "Sure thing, I can help with that. Mr. Smith paid $2.50 for 3.14 kg of apples, e.g. the red ones! " +
        "好的，我们先看第一点：价格是1,000元。然后第二点，质量很好！ Do you want **more** details? " +
        "Check https://example.com/docs?id=7 for the full list… The U.S. office opens at 9 a.m. every day. " +
        "The second option costs less, but it ships a week later than the first one; 你觉得呢？ " +
        "Thanks 🎉! 还有别的问题吗？\n- one item\n- another item. That's all, folks.";

    private readonly SentenceSplitter _splitter = new();
    private readonly SpeechTextFilter _filter = new();
    private readonly List<string> _sentences = new(32);
    private (int Start, int Length)[] _tokens = [];

    public static int TokenCount => (Reply.Length + 3) / 4;

    [GlobalSetup]
    public void Setup()
    {
        _tokens = new (int, int)[TokenCount];
        for (var i = 0; i < _tokens.Length; i++)
        {
            _tokens[i] = (i * 4, Math.Min(4, Reply.Length - (i * 4)));
        }
    }

    [Benchmark(Baseline = true)]
    public int Split()
    {
        _sentences.Clear();
        foreach (var (start, length) in _tokens)
        {
            _splitter.Append(Reply.AsSpan(start, length), _sentences);
        }

        return _sentences.Count + (_splitter.Flush() is null ? 0 : 1);
    }

    [Benchmark]
    public int FilterSplitClean()
    {
        _sentences.Clear();
        foreach (var (start, length) in _tokens)
        {
            _splitter.Append(_filter.Filter(Reply.AsSpan(start, length)), _sentences);
        }

        _splitter.Append(_filter.Flush(), _sentences);
        if (_splitter.Flush() is { } rest)
        {
            _sentences.Add(rest);
        }

        var chars = 0;
        foreach (var sentence in _sentences)
        {
            chars += SpeechTextCleaner.Clean(sentence).Length;
        }

        return chars;
    }
}
