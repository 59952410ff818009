using VoiceAgent.Pipeline.Turns.Detection;

namespace VoiceAgent.Pipeline.Tests.Turns.Detection;

public class UtteranceTextTests
{
    [Theory]
    [InlineData("i would like to book a table for")]
    [InlineData("i want to go to the station and")]
    [InlineData("can you tell me about the")]
    [InlineData("so um")]
    [InlineData("what time do you")]
    [InlineData("my number is")]
    [InlineData("my number is five five five one two")]
    [InlineData("i would like")]
    [InlineData("let me")]
    [InlineData("what is twelve times")]
    [InlineData("the code is 4 7")]
    [InlineData("I need a taxi to the airport,")]
    public void English_words_that_leave_the_sentence_open_extend_the_wait(string text) =>
        UtteranceText.Classify(text).ShouldBe(UtteranceEnding.Open);

    [Theory]
    [InlineData("what time is it")]
    [InlineData("what is twelve times seven")]
    [InlineData("how are you")]
    [InlineData("can you help me")]
    [InlineData("um where is the nearest station")]
    [InlineData("tell me a joke")]
    [InlineData("please repeat that")]
    [InlineData("okay stop talking")]
    [InlineData("thank you")]
    [InlineData("good afternoon")]
    [InlineData("hi there")]
    [InlineData("Is it going to rain tomorrow?")]
    [InlineData("what does it look like")]
    [InlineData("yes")]
    [InlineData("no")]
    [InlineData("yeah sure")]
    [InlineData("okay sounds good")]
    [InlineData("that's right")]
    public void A_complete_english_question_or_command_shortens_the_wait(string text) =>
        UtteranceText.Classify(text).ShouldBe(UtteranceEnding.Complete);

    [Theory]
    [InlineData("is it open at nine")]
    [InlineData("can i book a table for four")]
    [InlineData("what is eleven plus two")]
    [InlineData("what is four times 3")]
    [InlineData("can you add twenty five")]
    [InlineData("how long is the drive to gate one")]
    public void A_question_that_ends_in_a_lone_number_or_a_quantity_is_complete(string text) =>
        UtteranceText.Classify(text).ShouldBe(UtteranceEnding.Complete);

    [Theory]
    [InlineData("my number is five")]
    [InlineData("my phone number is oh seven seven")]
    [InlineData("the pin is 4 4")]
    [InlineData("call me on five five five two")]
    [InlineData("the reference is double one")]
    public void Digits_being_read_out_one_by_one_keep_the_sentence_open(string text) =>
        UtteranceText.Classify(text).ShouldBe(UtteranceEnding.Open);

    [Fact]
    public void A_request_that_ends_in_a_lone_number_is_a_request_not_an_open_sentence() =>
        UtteranceText.Classify("i would like a table for four").ShouldBe(UtteranceEnding.Request);

    [Theory]
    [InlineData("", false)]
    [InlineData("  ... ", false)]
    [InlineData("[BLANK_AUDIO]", false)]
    [InlineData("(music) .", false)]
    [InlineData("<sil>", false)]
    [InlineData("um", true)]
    [InlineData("5", true)]
    [InlineData("嗯", true)]
    [InlineData("[noise] what time is it", true)]
    [InlineData("[DTMF: 7#]", true)]
    [InlineData("[DTMF: *]", true)]
    [InlineData("(unclosed what", true)]
    public void A_final_without_a_word_in_any_script_is_a_wordless_turn(string text, bool hasWords) =>
        UtteranceText.HasWords(text).ShouldBe(hasWords);

    [Theory]
    [InlineData("i would like to book a table far")]
    [InlineData("I need a taxi tomorrow morning")]
    [InlineData("my name is john smith")]
    [InlineData("我想订一张桌子")]
    public void A_request_or_statement_of_details_waits_longer_than_usual(string text) =>
        UtteranceText.Classify(text).ShouldBe(UtteranceEnding.Request);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("i went home yesterday")]
    [InlineData("the weather is nice")]
    [InlineData("preordered on bread")]
    public void Anything_else_waits_the_uncertain_silence(string text) =>
        UtteranceText.Classify(text).ShouldBe(UtteranceEnding.Neutral);

    [Theory]
    [InlineData("我想订一张桌子，")]
    [InlineData("我想去北京和")]
    [InlineData("因为")]
    [InlineData("嗯")]
    [InlineData("我的手机号码是")]
    [InlineData("我的电话是一三八零")]
    [InlineData("我要订一个")]
    [InlineData("三加")]
    public void Chinese_words_that_leave_the_sentence_open_extend_the_wait(string text) =>
        UtteranceText.Classify(text).ShouldBe(UtteranceEnding.Open);

    [Theory]
    [InlineData("现在几点")]
    [InlineData("你能帮我吗")]
    [InlineData("明天会下雨吗？")]
    [InlineData("请打开灯")]
    [InlineData("帮我查一下天气")]
    [InlineData("三加五等于多少")]
    [InlineData("谢谢")]
    public void A_complete_chinese_question_or_command_shortens_the_wait(string text) =>
        UtteranceText.Classify(text).ShouldBe(UtteranceEnding.Complete);

    [Fact]
    public void A_plain_chinese_statement_is_neutral() => UtteranceText.Classify("我今天去了公园").ShouldBe(UtteranceEnding.Neutral);

    [Theory]
    [InlineData("uh huh", 0)]
    [InlineData("mm hmm", 0)]
    [InlineData("Uh-huh.", 0)]
    [InlineData("yeah", 0)]
    [InlineData("okay", 0)]
    [InlineData("right right", 0)]
    [InlineData("yeah i see", 0)]
    [InlineData("um", 0)]
    [InlineData("嗯", 0)]
    [InlineData("对", 0)]
    [InlineData("嗯嗯对对对", 0)]
    [InlineData("好的", 0)]
    [InlineData("stop", 1)]
    [InlineData("wait what", 2)]
    [InlineData("yeah but what about tomorrow", 3)]
    [InlineData("but i have", 0)]
    [InlineData("you have", 0)]
    [InlineData("the head", 0)]
    [InlineData("n m h and m", 0)]
    [InlineData("the mum h m m", 0)]
    [InlineData("they chairman", 0)]
    [InlineData("the main champ", 0)]
    [InlineData("i'll ride", 0)]
    [InlineData("got to it", 0)]
    [InlineData("i hit my head", 2)]
    [InlineData("stop please", 2)]
    [InlineData("wait a moment", 2)]
    [InlineData("what time is it", 2)]
    [InlineData("no that's wrong", 3)]
    [InlineData("5", 1)]
    [InlineData("no", 1)]
    [InlineData("等一下", 2)]
    [InlineData("不对", 1)]
    public void Backchannels_and_hesitations_are_not_real_words(string text, int real) =>
        UtteranceText.RealWords(text).ShouldBe(real);

    [Theory]
    [InlineData("okay", "")]
    [InlineData("wait what", "wait ")]
    [InlineData("yeah but what about ", "yeah but what ")]
    [InlineData("等一下", "等一")]
    public void Only_the_words_before_a_partials_last_word_are_settled(string partial, string settled) =>
        UtteranceText.SettledPart(partial).ShouldBe(settled);

    [Theory]
    [InlineData(null, "wait what", "")]
    [InlineData("wait", "wait what", "wait ")]
    [InlineData("an end", "an and him", "an ")]
    [InlineData("stop pleas", "stop please now", "stop ")]
    [InlineData("yeah but what about", "yeah but what about tomorrow", "yeah but what about ")]
    [InlineData("等一", "等一下", "等一")]
    public void Only_settled_words_the_previous_partial_already_had_are_stable(string? previous, string current, string stable) =>
        UtteranceText.StablePart(previous, current).ShouldBe(stable);
}
