using System.Text;
using VoiceAgent.Pipeline.Text;

namespace VoiceAgent.Pipeline.Tests.Text;

public sealed class SpeechTextFilterTests
{
    private const string Reply = "Here is how:\n```python\nprint('a. b! c?')\nx = `y`\n```\nThat prints `a`. Also ~~~\ncode\n~~~ done.";

    [Fact]
    public void Fenced_code_is_dropped_and_inline_code_kept()
    {
        FilterAll(Reply, [Reply.Length]).ShouldBe("Here is how:\n\n\nThat prints `a`. Also \n done.");
    }

    [Fact]
    public void Fences_split_across_tokens_are_still_recognised()
    {
        var expected = FilterAll(Reply, [Reply.Length]);
        FilterAll(Reply, Enumerable.Repeat(1, Reply.Length)).ShouldBe(expected);
        for (var seed = 1; seed <= 30; seed++)
        {
            var random = new Random(seed);
            FilterAll(Reply, Enumerable.Range(0, Reply.Length).Select(_ => random.Next(1, 6))).ShouldBe(expected, $"seed {seed}");
        }
    }

    [Fact]
    public void Backticks_at_a_token_end_are_held_until_decided()
    {
        var filter = new SpeechTextFilter();
        filter.Filter("say ``").ToString().ShouldBe("say ");
        filter.Filter("x`` ok").ToString().ShouldBe("``x`` ok");
        filter.Filter("``").ToString().ShouldBeEmpty();
        filter.Filter("`js").ToString().ShouldBe("\n");
        filter.InCodeBlock.ShouldBeTrue();
    }

    [Fact]
    public void Unterminated_code_is_dropped_and_flush_resets()
    {
        var filter = new SpeechTextFilter();
        filter.Filter("A.\n```\nnever spoken").ToString().ShouldBe("A.\n\n");
        filter.Flush().ToString().ShouldBeEmpty();
        filter.InCodeBlock.ShouldBeFalse();
        filter.Filter("B `").ToString().ShouldBe("B ");
        filter.Flush().ToString().ShouldBe("`");
    }

    [Fact]
    public void Reset_forgets_an_open_block()
    {
        var filter = new SpeechTextFilter();
        filter.Filter("```\ncode");
        filter.Reset();
        filter.Filter("Hello.").ToString().ShouldBe("Hello.");
    }

    [Fact]
    public void Filter_then_split_then_clean_speaks_no_code()
    {
        var filter = new SpeechTextFilter();
        var splitter = new SentenceSplitter();
        var sentences = new List<string>();
        for (var i = 0; i < Reply.Length; i += 3)
        {
            splitter.Append(filter.Filter(Reply.AsSpan(i, Math.Min(3, Reply.Length - i))), sentences);
        }

        splitter.Append(filter.Flush(), sentences);
        if (splitter.Flush() is { } rest)
        {
            sentences.Add(rest);
        }

        sentences.Select(SpeechTextCleaner.Clean).Where(s => s.Length > 0)
            .ShouldBe(["Here is how:", "That prints a.", "Also", "done."]);
    }

    private static string FilterAll(string text, IEnumerable<int> sizes)
    {
        var filter = new SpeechTextFilter();
        var output = new StringBuilder();
        var offset = 0;
        foreach (var size in sizes)
        {
            if (offset >= text.Length)
            {
                break;
            }

            var length = Math.Min(size, text.Length - offset);
            output.Append(filter.Filter(text.AsSpan(offset, length)));
            offset += length;
        }

        output.Append(filter.Flush());
        return output.ToString();
    }
}
