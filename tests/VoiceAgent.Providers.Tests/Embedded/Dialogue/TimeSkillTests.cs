namespace VoiceAgent.Providers.Tests.Embedded.Dialogue;

public sealed class TimeSkillTests
{
    [Theory]
    [InlineData("what time is it", "It's 3:07 PM.")]
    [InlineData("What's the time?", "It's 3:07 PM.")]
    [InlineData("hi what time is it now", "It's 3:07 PM.")]
    [InlineData("what day is it", "Today is Saturday, November 21, 2026.")]
    [InlineData("what is the date today", "Today is Saturday, November 21, 2026.")]
    [InlineData("what's the date and what time is it", "It's 3:07 PM on Saturday, November 21, 2026.")]
    public async Task Tells_english_time_and_date(string question, string expected) =>
        (await Dialogue.AskAsync(question)).ShouldBe(expected);

    [Theory]
    [InlineData("现在几点", "现在是下午3点07分。")]
    [InlineData("现在几点了？", "现在是下午3点07分。")]
    [InlineData("今天几号", "今天是2026年11月21日，星期六。")]
    [InlineData("今天星期几", "今天是2026年11月21日，星期六。")]
    [InlineData("今天几号现在几点", "现在是2026年11月21日，星期六，下午3点07分。")]
    public async Task Tells_chinese_time_and_date(string question, string expected) =>
        (await Dialogue.AskAsync(question)).ShouldBe(expected);

    [Fact]
    public async Task Uses_the_configured_time_zone()
    {
        // 15:07 UTC is 23:07 in Shanghai (UTC+8, no daylight saving).
        var client = Dialogue.Client(new() { TimeZone = "Asia/Shanghai" });
        (await client.AskAsync("what time is it")).ShouldBe("It's 11:07 PM.");
        (await client.AskAsync("现在几点")).ShouldBe("现在是晚上11点07分。");
    }

    [Theory]
    [InlineData(0, 30, "现在是凌晨0点30分。", "It's 12:30 AM.")]
    [InlineData(9, 0, "现在是上午9点整。", "It's 9:00 AM.")]
    [InlineData(12, 5, "现在是中午12点05分。", "It's 12:05 PM.")]
    public async Task Names_the_part_of_the_day(int hour, int minute, string chinese, string english)
    {
        var client = Dialogue.Client(now: new DateTimeOffset(2026, 11, 21, hour, minute, 0, TimeSpan.Zero));
        (await client.AskAsync("现在几点")).ShouldBe(chinese);
        (await client.AskAsync("what time is it")).ShouldBe(english);
    }

    [Fact]
    public void Rejects_an_unknown_time_zone_at_construction() =>
        Should.Throw<TimeZoneNotFoundException>(() => Dialogue.Client(new() { TimeZone = "Mars/Olympus_Mons" }));
}
