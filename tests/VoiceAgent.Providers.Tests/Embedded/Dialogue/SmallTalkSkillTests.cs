namespace VoiceAgent.Providers.Tests.Embedded.Dialogue;

public sealed class SmallTalkSkillTests
{
    [Theory]
    [InlineData("hello", "Hello! I'm VoiceAgent. How can I help you?")]
    [InlineData("Hi there!", "Hello! I'm VoiceAgent. How can I help you?")]
    [InlineData("hey voice agent", "Hello! I'm VoiceAgent. How can I help you?")]
    [InlineData("good morning", "Hello! I'm VoiceAgent. How can I help you?")]
    [InlineData("how are you", "I'm doing well, thanks for asking. How can I help you?")]
    [InlineData("hi how are you doing today", "I'm doing well, thanks for asking. How can I help you?")]
    [InlineData("thank you", "You're welcome!")]
    [InlineData("Thanks a lot!", "You're welcome!")]
    [InlineData("goodbye", "Goodbye! Talk to you soon.")]
    [InlineData("ok thanks bye", "Goodbye! Talk to you soon.")]
    public async Task Answers_english_small_talk(string question, string expected) =>
        (await Dialogue.AskAsync(question)).ShouldBe(expected);

    [Theory]
    [InlineData("你好", "你好！我是VoiceAgent，有什么可以帮你的？")]
    [InlineData("您好！", "你好！我是VoiceAgent，有什么可以帮你的？")]
    [InlineData("早上好呀", "你好！我是VoiceAgent，有什么可以帮你的？")]
    [InlineData("你好吗", "我很好，谢谢关心！有什么可以帮你的？")]
    [InlineData("谢谢", "不客气！")]
    [InlineData("谢谢你！", "不客气！")]
    [InlineData("再见", "再见，下次再聊！")]
    [InlineData("拜拜", "再见，下次再聊！")]
    public async Task Answers_chinese_small_talk(string question, string expected) =>
        (await Dialogue.AskAsync(question)).ShouldBe(expected);

    [Fact]
    public async Task Says_who_it_is_honestly_under_its_configured_name()
    {
        var client = Dialogue.Client(new() { AssistantName = "Aria", TimeZone = "UTC" });
        var english = await client.AskAsync("who are you");
        english.ShouldStartWith("I'm Aria, a simple offline voice assistant.");
        english.ShouldContain("rather than a large language model");

        var chinese = await client.AskAsync("你是谁");
        chinese.ShouldStartWith("我是Aria，一个离线运行的简单语音助手。");
        chinese.ShouldContain("不是大语言模型");

        (await client.AskAsync("hello")).ShouldBe("Hello! I'm Aria. How can I help you?");
    }

    [Theory]
    [InlineData("are you a robot", "No, I'm a computer program")]
    [InlineData("are you human", "No, I'm a computer program")]
    [InlineData("你是机器人吗", "不是，我是一个计算机程序")]
    [InlineData("你是真人吗", "不是，我是一个计算机程序")]
    public async Task Does_not_pretend_to_be_a_person(string question, string expectedStart) =>
        (await Dialogue.AskAsync(question)).ShouldStartWith(expectedStart);

    [Fact]
    public async Task A_greeting_in_front_of_a_question_it_cannot_answer_gets_the_honest_fallback() =>
        (await Dialogue.AskAsync("hello can you book me a flight to paris")).ShouldStartWith("I'm a simple offline assistant");
}
