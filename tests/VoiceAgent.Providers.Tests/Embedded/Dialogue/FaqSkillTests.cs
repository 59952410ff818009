using VoiceAgent.Providers.Embedded.Dialogue;

namespace VoiceAgent.Providers.Tests.Embedded.Dialogue;

public sealed class FaqSkillTests
{
    private static DialogueChatClient Client() => Dialogue.Client(new()
    {
        TimeZone = "UTC",
        Faq =
        [
            new FaqEntry { Patterns = ["opening hours", @"\bwhen (are|do) you open\b"], Answer = "We are open from nine to five, Monday to Friday." },
            new FaqEntry { Patterns = ["营业时间", "几点开门"], Answer = "我们周一到周五早上九点到下午五点营业。" },
            new FaqEntry { Patterns = ["c++"], Answer = "We write C++ and C#." },
            new FaqEntry { Patterns = ["open"], Answer = "This entry comes later and must lose to the first one." },
            new FaqEntry { Patterns = ["what time"], Answer = "A configured answer overrides the built-in clock." },
        ],
    });

    [Theory]
    [InlineData("what are your opening hours", "We are open from nine to five, Monday to Friday.")]
    [InlineData("WHEN ARE YOU OPEN?", "We are open from nine to five, Monday to Friday.")]
    [InlineData("请问你们的营业时间是什么", "我们周一到周五早上九点到下午五点营业。")]
    [InlineData("你们几点开门？", "我们周一到周五早上九点到下午五点营业。")]
    [InlineData("Do you use C++?", "We write C++ and C#.")]
    [InlineData("is the shop open", "This entry comes later and must lose to the first one.")]
    [InlineData("what time is it", "A configured answer overrides the built-in clock.")]
    public async Task Answers_configured_questions_first_match_wins(string question, string expected) =>
        (await Client().AskAsync(question)).ShouldBe(expected);

    [Fact]
    public async Task Falls_through_to_built_in_skills_when_nothing_matches() =>
        (await Client().AskAsync("what is two plus two")).ShouldBe("Two plus two is 4.");

    [Fact]
    public void Rejects_entries_without_patterns_or_answer()
    {
        Should.Throw<ArgumentException>(() => Dialogue.Client(new() { Faq = [new FaqEntry { Answer = "x" }] }));
        Should.Throw<ArgumentException>(() => Dialogue.Client(new() { Faq = [new FaqEntry { Patterns = ["x"] }] }));
    }
}
