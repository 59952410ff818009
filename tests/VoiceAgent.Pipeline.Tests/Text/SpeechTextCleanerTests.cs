using VoiceAgent.Pipeline.Text;

namespace VoiceAgent.Pipeline.Tests.Text;

public sealed class SpeechTextCleanerTests
{
    [Theory]
    [InlineData("Plain sentence, nothing to do.", "Plain sentence, nothing to do.")]
    [InlineData("  你好，世界！  ", "你好，世界！")]
    [InlineData("It costs $2.50 (about 3%).", "It costs $2.50 (about 3%).")]
    public void Plain_text_is_only_trimmed(string input, string expected) =>
        SpeechTextCleaner.Clean(input).ShouldBe(expected);

    [Theory]
    [InlineData("## Getting started", "Getting started")]
    [InlineData("This is **bold** and __strong__.", "This is bold and strong.")]
    [InlineData("This is *italic* and _also_.", "This is italic and also.")]
    [InlineData("Call `GetValue()` now.", "Call GetValue() now.")]
    [InlineData("Read [the docs](https://example.com/docs) first.", "Read the docs first.")]
    [InlineData("See ![a chart](img/chart.png) below.", "See below.")]
    [InlineData("- first item", "first item")]
    [InlineData("* second item", "second item")]
    [InlineData("12. twelfth item", "twelfth item")]
    [InlineData("> quoted text", "quoted text")]
    [InlineData("~~old~~ new", "old new")]
    [InlineData("a <b>bold</b> move<br/>", "a bold move")]
    [InlineData("snake_case and 2 * 3 stay", "snake case and 2 3 stay")]
    public void Markdown_is_removed_and_its_text_kept(string input, string expected) =>
        SpeechTextCleaner.Clean(input).ShouldBe(expected);

    [Fact]
    public void Tables_are_read_as_comma_separated_cells()
    {
        SpeechTextCleaner.Clean("| Name | Age |\n|---|:---:|\n| Ann | 31 |").ShouldBe("Name, Age. Ann, 31.");
    }

    [Fact]
    public void Leftover_emphasis_from_a_sentence_cut_inside_bold_is_dropped()
    {
        SpeechTextCleaner.Clean("**Note: this").ShouldBe("Note: this");
        SpeechTextCleaner.Clean("matters.**").ShouldBe("matters.");
    }

    [Fact]
    public void Code_fences_are_dropped_entirely()
    {
        SpeechTextCleaner.Clean("Run this:\n```bash\nrm -rf /tmp/x\n```\nThen stop.").ShouldBe("Run this: Then stop.");
        SpeechTextCleaner.Clean("Code: ```python\nprint(1)").ShouldBe("Code:"); // unterminated: the rest is code
    }

    [Theory]
    [InlineData("Visit https://www.example.com/path?q=1 today.", "Visit example.com today.")]
    [InlineData("See http://docs.test.org.", "See docs.test.org.")]
    [InlineData("Go to www.site.cn/a/b, then.", "Go to site.cn, then.")]
    public void Urls_are_reduced_to_their_host(string input, string expected) =>
        SpeechTextCleaner.Clean(input).ShouldBe(expected);

    [Theory]
    [InlineData("Great job 🎉!", "Great job!")]
    [InlineData("Thumbs 👍🏽 up", "Thumbs up")] // skin tone modifier
    [InlineData("Family 👨‍👩‍👧 time", "Family time")] // ZWJ sequence
    [InlineData("Love ❤️ it", "Love it")] // variation selector
    [InlineData("Press 1️⃣ now", "Press 1 now")] // keycap
    [InlineData("Flag 🇨🇳 中国", "Flag 中国")]
    [InlineData("好的😀，我们走吧✨。", "好的，我们走吧。")]
    [InlineData("Done ✓ → next ★", "Done next")]
    [InlineData("It is 25°C.", "It is 25°C.")]
    public void Emoji_and_pictographs_are_removed(string input, string expected) =>
        SpeechTextCleaner.Clean(input).ShouldBe(expected);

    [Fact]
    public void Control_format_and_broken_characters_are_removed()
    {
        SpeechTextCleaner.Clean("a\u0000b\u200Bc \uFFFD d\u0007 \uD83D e").ShouldBe("abc d e");
    }

    [Fact]
    public void Whitespace_is_collapsed()
    {
        SpeechTextCleaner.Clean("one  \t two\n\nthree").ShouldBe("one two three");
    }

    [Theory]
    [InlineData("🎉🎉")]
    [InlineData("**")]
    [InlineData("---")]
    [InlineData("  !  ")]
    [InlineData("```js\nx()\n```")]
    public void Nothing_speakable_gives_empty(string input) =>
        SpeechTextCleaner.Clean(input).ShouldBeEmpty();
}
