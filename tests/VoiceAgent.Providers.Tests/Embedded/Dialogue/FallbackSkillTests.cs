namespace VoiceAgent.Providers.Tests.Embedded.Dialogue;

public sealed class FallbackSkillTests
{
    [Fact]
    public async Task Says_honestly_in_english_what_it_can_do_instead() =>
        (await Dialogue.AskAsync("what is the capital of france")).ShouldBe(
            "I'm a simple offline assistant, so I can't answer that yet. "
            + "I can tell the time and the date, do arithmetic, repeat what you say, and make a little small talk.");

    [Fact]
    public async Task Says_honestly_in_chinese_what_it_can_do_instead() =>
        (await Dialogue.AskAsync("法国的首都是哪里")).ShouldBe(
            "我是一个简单的离线助手，暂时还回答不了这个问题。我可以报时间和日期、做算术、重复你说的话，也能简单聊几句。");

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Asks_again_when_it_heard_nothing(string question) =>
        (await Dialogue.AskAsync(question)).ShouldBe("I didn't catch that. Could you say it again?");
}
