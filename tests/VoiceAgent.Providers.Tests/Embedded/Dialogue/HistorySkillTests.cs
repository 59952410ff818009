namespace VoiceAgent.Providers.Tests.Embedded.Dialogue;

public sealed class HistorySkillTests
{
    [Theory]
    [InlineData("what did I just say")]
    [InlineData("What did I say?")]
    public async Task Quotes_the_previous_english_user_message(string question) =>
        (await Dialogue.AskAsync(question, "my cat is called Tom", "I'm a simple offline assistant, so I can't answer that yet."))
            .ShouldBe("You said: \"my cat is called Tom\".");

    [Fact]
    public async Task Quotes_the_previous_chinese_user_message() =>
        (await Dialogue.AskAsync("我刚才说了什么", "我的猫叫汤姆", "我是一个简单的离线助手。"))
            .ShouldBe("你刚才说：“我的猫叫汤姆”。");

    [Theory]
    [InlineData("repeat that")]
    [InlineData("Can you say that again?")]
    [InlineData("what did you say")]
    public async Task Repeats_the_last_english_assistant_message(string question) =>
        (await Dialogue.AskAsync(question, "what is twelve times seven", "Twelve times seven is 84."))
            .ShouldBe("Twelve times seven is 84.");

    [Theory]
    [InlineData("再说一遍")]
    [InlineData("请再说一遍好吗？")]
    [InlineData("重复一遍")]
    public async Task Repeats_the_last_chinese_assistant_message(string question) =>
        (await Dialogue.AskAsync(question, "十二乘以七", "十二乘以七等于84。")).ShouldBe("十二乘以七等于84。");

    [Fact]
    public async Task Works_across_real_turns_of_one_client()
    {
        var client = Dialogue.Client();
        var first = await client.AskAsync("what time is it");
        (await client.AskAsync("say that again", "what time is it", first)).ShouldBe(first);
        (await client.AskAsync("what did I just say", "what time is it", first)).ShouldBe("You said: \"what time is it\".");
    }

    [Theory]
    [InlineData("what did I just say", "You haven't said anything before that.")]
    [InlineData("say that again", "I haven't said anything yet.")]
    [InlineData("我刚才说了什么", "你之前还没有说过别的话。")]
    [InlineData("再说一遍", "我还没有说过话呢。")]
    public async Task Says_so_when_there_is_no_history(string question, string expected) =>
        (await Dialogue.AskAsync(question)).ShouldBe(expected);
}
