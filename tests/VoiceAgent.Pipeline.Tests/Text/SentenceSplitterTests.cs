using VoiceAgent.Pipeline.Text;

namespace VoiceAgent.Pipeline.Tests.Text;

public sealed class SentenceSplitterTests
{
    private static readonly SentenceSplitterOptions NoComma = new() { FirstClauseOnComma = false };

    [Fact]
    public void English_sentences_are_cut_on_terminators_with_the_punctuation_kept()
    {
        SplitterDriver.Whole("Hello there. How are you? I'm fine! Great; thanks.", NoComma)
            .ShouldBe(["Hello there.", "How are you?", "I'm fine!", "Great;", "thanks."]);
    }

    [Fact]
    public void Chinese_sentences_are_cut_without_spaces()
    {
        SplitterDriver.Whole("你好。今天天气很好！你想去哪里？我们走吧；好的", NoComma)
            .ShouldBe(["你好。", "今天天气很好！", "你想去哪里？", "我们走吧；", "好的"]);
    }

    [Fact]
    public void Mixed_English_and_Chinese_are_cut()
    {
        SplitterDriver.Whole("我用 C# 写代码。It works well. 对吧？Yes!", NoComma)
            .ShouldBe(["我用 C# 写代码。", "It works well.", "对吧？", "Yes!"]);
    }

    [Fact]
    public void Newlines_always_cut_and_blank_lines_are_skipped()
    {
        SplitterDriver.Whole("First line\n\n  Second line\r\nThird", NoComma)
            .ShouldBe(["First line", "Second line", "Third"]);
    }

    [Fact]
    public void Runs_of_marks_and_closing_quotes_stay_with_their_sentence()
    {
        SplitterDriver.Whole("Really?! Wait... \"Stop!\" she said. (Fine.) 他说：“走吧。”然后走了。", NoComma)
            .ShouldBe(["Really?!", "Wait...", "\"Stop!\"", "she said.", "(Fine.)", "他说：“走吧。”", "然后走了。"]);
    }

    [Theory]
    [InlineData("Pi is 3.14 roughly. Next", "Pi is 3.14 roughly.")]
    [InlineData("Version v1.2 is out. Next", "Version v1.2 is out.")]
    [InlineData("It costs $2.50 today. Next", "It costs $2.50 today.")]
    [InlineData("We sold 1,000 units. Next", "We sold 1,000 units.")]
    [InlineData("See example.com for more. Next", "See example.com for more.")]
    public void Periods_inside_numbers_and_words_do_not_cut(string text, string first)
    {
        SplitterDriver.Whole(text, NoComma).ShouldBe([first, "Next"]);
    }

    [Theory]
    [InlineData("Mr. Smith and Dr. Jones met Prof. Lee at St. Paul. Next")]
    [InlineData("Use a tool, e.g. this one, i.e. a hammer. Next")]
    [InlineData("We met at 9 a.m. in the U.S. office. Next")]
    [InlineData("J. Smith and J.R.R. Tolkien wrote it. Next")]
    [InlineData("Apples vs. pears, etc. are fruit. Next")]
    public void Abbreviations_and_initials_do_not_cut(string text)
    {
        var sentences = SplitterDriver.Whole(text, NoComma);
        sentences.Count.ShouldBe(2);
        sentences[1].ShouldBe("Next");
    }

    [Fact]
    public void A_lone_capital_I_still_ends_a_sentence()
    {
        SplitterDriver.Whole("So do I. Then we go.", NoComma).ShouldBe(["So do I.", "Then we go."]);
    }

    [Fact]
    public void Numbered_list_markers_do_not_cut()
    {
        SplitterDriver.Whole("Steps:\n1. Install it.\n2. Run it.", NoComma)
            .ShouldBe(["Steps:", "1. Install it.", "2. Run it."]);
    }

    [Fact]
    public void Urls_are_not_cut_on_their_dots_or_question_marks()
    {
        SplitterDriver.Whole("Go to https://example.com/a?b=1;c=2. Then rest. Or www.test.org? Yes.", NoComma)
            .ShouldBe(["Go to https://example.com/a?b=1;c=2.", "Then rest.", "Or www.test.org?", "Yes."]);
    }

    [Fact]
    public void A_markdown_image_bang_is_not_an_exclamation()
    {
        SplitterDriver.Whole("Look ![chart](a.png) here. Done", NoComma).ShouldBe(["Look ![chart](a.png) here.", "Done"]);
    }

    [Fact]
    public void First_clause_is_cut_on_comma_and_later_commas_are_not()
    {
        SplitterDriver.Whole("Sure thing, I can help with that, and more. Then, later, we talk.")
            .ShouldBe(["Sure thing,", "I can help with that, and more.", "Then, later, we talk."]);
    }

    [Fact]
    public void Latin_first_clause_needs_two_words()
    {
        SplitterDriver.Whole("Well, I think so, yes. Ok.").ShouldBe(["Well, I think so,", "yes.", "Ok."]);
    }

    [Fact]
    public void Cjk_first_clause_has_no_minimum()
    {
        SplitterDriver.Whole("好，我们开始吧，先说第一点。然后，第二点。")
            .ShouldBe(["好，", "我们开始吧，先说第一点。", "然后，第二点。"]);
    }

    [Fact]
    public void Cjk_enumeration_comma_and_colon_cut_the_first_clause()
    {
        SplitterDriver.Whole("注意：明天下雨。").ShouldBe(["注意：", "明天下雨。"]);
        SplitterDriver.Whole("苹果、香蕉和梨。").ShouldBe(["苹果、", "香蕉和梨。"]);
    }

    [Fact]
    public void First_clause_comma_is_never_cut_inside_a_number()
    {
        SplitterDriver.Whole("We have 1,000 units, all sold.").ShouldBe(["We have 1,000 units,", "all sold."]);
        SplitterDriver.Whole("共有1，000个，都卖了。").ShouldBe(["共有1，000个，", "都卖了。"]);
        SplitterDriver.Whole("Meet at 10:30 today, ok.").ShouldBe(["Meet at 10:30 today,", "ok."]);
    }

    [Fact]
    public void Comma_rule_can_be_turned_off()
    {
        SplitterDriver.Whole("Sure thing, I can help.", NoComma).ShouldBe(["Sure thing, I can help."]);
    }

    [Fact]
    public void Flush_returns_the_undecided_tail_and_resets()
    {
        var splitter = new SentenceSplitter();
        var sentences = new List<string>();
        splitter.Append("It is done.", sentences);
        sentences.ShouldBeEmpty(); // the "." may still be followed by "5" or a closing quote
        splitter.Flush().ShouldBe("It is done.");
        splitter.Flush().ShouldBeNull();

        splitter.Append("Well, again, ", sentences);
        sentences.ShouldBe(["Well, again,"]); // Flush reset the first-clause state for the next reply
    }

    [Fact]
    public void Flush_of_whitespace_only_is_null()
    {
        var splitter = new SentenceSplitter();
        var sentences = new List<string>();
        splitter.Append("Done! \n  ", sentences);
        sentences.ShouldBe(["Done!"]);
        splitter.Flush().ShouldBeNull();
    }

    [Fact]
    public void Reset_drops_pending_text()
    {
        var splitter = new SentenceSplitter();
        var sentences = new List<string>();
        splitter.Append("Half a sent", sentences);
        splitter.Reset();
        splitter.Append("New one. ", sentences);
        sentences.ShouldBe(["New one."]);
    }

    [Fact]
    public void Long_sentences_are_cut_at_a_clause_break_or_space_before_the_limit()
    {
        var options = new SentenceSplitterOptions { MaxSentenceChars = 40, FirstClauseOnComma = false };
        var sentences = SplitterDriver.Whole("one two three four five six seven eight nine ten eleven twelve thirteen", options);
        sentences.ShouldAllBe(s => s.Length <= 40);
        string.Join(' ', sentences).ShouldBe("one two three four five six seven eight nine ten eleven twelve thirteen");

        SplitterDriver.Whole("alpha beta gamma delta, epsilon zeta eta theta iota kappa", options)
            .ShouldBe(["alpha beta gamma delta,", "epsilon zeta eta theta iota kappa"]);
    }

    [Fact]
    public void Long_cjk_without_breaks_is_cut_hard_at_the_limit()
    {
        var options = new SentenceSplitterOptions { MaxSentenceChars = 20 };
        var text = new string('字', 45);
        SplitterDriver.Whole(text, options).Select(s => s.Length).ShouldBe([20, 20, 5]);
    }

    [Fact]
    public void Invalid_options_are_rejected()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new SentenceSplitter(new SentenceSplitterOptions { MaxSentenceChars = 3 }));
    }
}
