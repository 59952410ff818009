using VoiceAgent.Pipeline.Text;

namespace VoiceAgent.Pipeline.Tests.Text;

/// <summary>Feeds text to a fresh splitter in chosen chunks and collects every sentence, flush included.</summary>
internal static class SplitterDriver
{
    public static List<string> Whole(string text, SentenceSplitterOptions? options = null) =>
        Chunked(text, [text.Length], options);

    public static List<string> CharByChar(string text, SentenceSplitterOptions? options = null) =>
        Chunked(text, Enumerable.Repeat(1, text.Length), options);

    public static List<string> RandomChunks(string text, int seed, SentenceSplitterOptions? options = null)
    {
        var random = new Random(seed);
        var sizes = new List<int>();
        for (var total = 0; total < text.Length;)
        {
            var size = random.Next(1, 9);
            sizes.Add(size);
            total += size;
        }

        return Chunked(text, sizes, options);
    }

    public static List<string> Chunked(string text, IEnumerable<int> sizes, SentenceSplitterOptions? options = null)
    {
        var splitter = new SentenceSplitter(options ?? new SentenceSplitterOptions());
        var sentences = new List<string>();
        var offset = 0;
        foreach (var size in sizes)
        {
            var length = Math.Min(size, text.Length - offset);
            splitter.Append(text.AsSpan(offset, length), sentences);
            offset += length;
        }

        if (splitter.Flush() is { } rest)
        {
            sentences.Add(rest);
        }

        return sentences;
    }
}
