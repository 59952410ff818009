namespace VoiceAgent.Providers.Tests.Embedded.Dialogue;

public sealed class RepeatAfterMeSkillTests
{
    [Theory]
    [InlineData("repeat after me the quick brown fox", "the quick brown fox")]
    [InlineData("Repeat after me: Hello, world!", "Hello, world!")]
    [InlineData("say good night moon", "good night moon")]
    [InlineData("can you say hello to my mother", "hello to my mother")]
    [InlineData("please repeat twelve times seven", "twelve times seven")]
    public async Task Echoes_english(string question, string expected) =>
        (await Dialogue.AskAsync(question)).ShouldBe(expected);

    [Theory]
    [InlineData("跟我说你好世界", "你好世界")]
    [InlineData("跟我说：今天天气很好。", "今天天气很好。")]
    [InlineData("重复我爱北京", "我爱北京")]
    [InlineData("请跟我念一二三", "一二三")]
    public async Task Echoes_chinese(string question, string expected) =>
        (await Dialogue.AskAsync(question)).ShouldBe(expected);
}
