using VoiceAgent.Pipeline.Text;

namespace VoiceAgent.Pipeline.Tests.Text;

public sealed class SentenceSplitterChunkingTests
{
    public static TheoryData<string> Replies => new()
    {
        "Sure thing, I can help. Mr. Smith paid $2.50 for 3.14 kg, e.g. this. Really?! \"Yes.\" Done...",
        "好，我们开始吧。今天气温25.5度，适合出门！你觉得呢？“好的。”\n1. 第一\n2. 第二",
        "Well, in 2024 the U.S. office (at 9 a.m.) said: visit https://example.com/a?b=1. 然后，我们走吧；OK!",
        "Steps:\n- one, two\n- three. Four\n\nJ. Smith wrote v1.2, 1,000 times… And then? Nothing.",
        new string('x', 30) + " " + string.Join(' ', Enumerable.Repeat("word", 120)) + ". End",
    };

    [Theory]
    [MemberData(nameof(Replies))]
    public void Char_by_char_gives_the_same_sentences_as_whole(string text)
    {
        SplitterDriver.CharByChar(text).ShouldBe(SplitterDriver.Whole(text));
    }

    [Theory]
    [MemberData(nameof(Replies))]
    public void Random_chunks_give_the_same_sentences_as_whole(string text)
    {
        var expected = SplitterDriver.Whole(text);
        for (var seed = 1; seed <= 50; seed++)
        {
            SplitterDriver.RandomChunks(text, seed).ShouldBe(expected, $"seed {seed}");
        }
    }

    [Theory]
    [MemberData(nameof(Replies))]
    public void Small_max_length_is_also_chunking_independent(string text)
    {
        var options = new SentenceSplitterOptions { MaxSentenceChars = 24 };
        var expected = SplitterDriver.Whole(text, options);
        expected.ShouldAllBe(s => s.Length <= 24 + 4); // a trailing mark run may follow the limit at flush
        for (var seed = 1; seed <= 20; seed++)
        {
            SplitterDriver.RandomChunks(text, seed, options).ShouldBe(expected, $"seed {seed}");
        }
    }

    [Theory]
    [MemberData(nameof(Replies))]
    public void Nothing_is_lost_but_whitespace(string text)
    {
        var joined = string.Concat(SplitterDriver.Whole(text)).Where(c => !char.IsWhiteSpace(c));
        joined.ShouldBe(text.Where(c => !char.IsWhiteSpace(c)));
    }
}
