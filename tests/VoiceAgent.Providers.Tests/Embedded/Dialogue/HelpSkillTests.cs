using VoiceAgent.Providers.Embedded.Dialogue;

namespace VoiceAgent.Providers.Tests.Embedded.Dialogue;

public sealed class HelpSkillTests
{
    [Theory]
    [InlineData("what can you do")]
    [InlineData("Help!")]
    [InlineData("so what are your skills")]
    public async Task Lists_what_it_can_do_in_english(string question)
    {
        var answer = await Dialogue.AskAsync(question);
        answer.ShouldStartWith("I'm a simple offline assistant. I can tell you the time and the date, do arithmetic");
        answer.ShouldNotContain("frequently asked");
    }

    [Theory]
    [InlineData("你能做什么")]
    [InlineData("你会什么？")]
    [InlineData("你有哪些功能")]
    public async Task Lists_what_it_can_do_in_chinese(string question)
    {
        var answer = await Dialogue.AskAsync(question);
        answer.ShouldStartWith("我是一个离线运行的简单助手。我可以告诉你现在的时间和日期，做加减乘除");
        answer.ShouldNotContain("常见问题");
    }

    [Fact]
    public async Task Mentions_the_faq_when_one_is_configured()
    {
        var client = Dialogue.Client(new()
        {
            TimeZone = "UTC",
            Faq = [new FaqEntry { Patterns = ["opening hours"], Answer = "We are open nine to five." }],
        });
        (await client.AskAsync("what can you do")).ShouldEndWith("I can also answer some frequently asked questions.");
        (await client.AskAsync("你能做什么")).ShouldEndWith("另外还能回答一些常见问题。");
    }
}
