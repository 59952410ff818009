using VoiceAgent.Providers.Embedded.PocketSphinx;

namespace VoiceAgent.Providers.Tests.Embedded.PocketSphinx;

/// <summary>Which search's text a turn takes: the domain one only when its score beats the generic one's by more than the margin.</summary>
public sealed class PocketSphinxResultTests
{
    private static readonly PocketSphinxHypothesis Generic = new("what i missed it", -50_000);

    [Theory]
    [InlineData(-49_999, 0, true)]
    [InlineData(-50_000, 0, false)]
    [InlineData(-48_000, 2_000, false)]
    [InlineData(-47_999, 2_000, true)]
    [InlineData(-51_000, -2_000, true)]
    public void The_domain_text_is_taken_only_when_it_wins_by_more_than_the_margin(int domainScore, int margin, bool domainTaken)
    {
        var result = new PocketSphinxResult(Generic, new PocketSphinxHypothesis("what time is it", domainScore)) { DomainMargin = margin };

        result.DomainPicked.ShouldBe(domainTaken);
        result.Picked.Text.ShouldBe(domainTaken ? "what time is it" : "what i missed it");
    }

    [Fact]
    public void Without_a_domain_search_or_at_extreme_scores_nothing_overflows()
    {
        new PocketSphinxResult(Generic, null) { DomainMargin = -1 }.Picked.ShouldBe(Generic);

        var worst = new PocketSphinxHypothesis("hello", int.MinValue);
        new PocketSphinxResult(worst, new PocketSphinxHypothesis("hi", int.MaxValue)) { DomainMargin = int.MaxValue }.DomainPicked.ShouldBeTrue();
        new PocketSphinxResult(new PocketSphinxHypothesis("hello", int.MaxValue), worst) { DomainMargin = int.MinValue }.DomainPicked.ShouldBeFalse();
    }
}
