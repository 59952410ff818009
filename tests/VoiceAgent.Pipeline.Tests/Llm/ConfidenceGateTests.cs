using VoiceAgent.Pipeline.Llm;

namespace VoiceAgent.Pipeline.Tests.Llm;

public class ConfidenceGateTests
{
    private static readonly ConfidenceGate Gate = new(new ConfidenceGateOptions { MinConfidence = 0.45, MinWords = 6 });

    [Fact]
    public void A_long_final_the_recogniser_is_unsure_of_is_dropped() =>
        Gate.Drops("the you what you struggling or completely cut little to hold", 0.33).ShouldBeTrue();

    [Theory]
    [InlineData("i want to go to the train station tomorrow morning", 0.88)] // sure
    [InlineData("what is to it plus three", 0.45)] // at the threshold is not below it
    [InlineData("what are your opening hours", 0.34)] // unsure but short: a short question in noise is answered
    [InlineData("stop please", 0.05)]
    public void Sure_or_short_finals_are_answered(string text, double confidence) =>
        Gate.Drops(text, confidence).ShouldBeFalse();

    [Fact]
    public void A_final_without_a_confidence_is_never_dropped() =>
        Gate.Drops("the you what you struggling or completely cut little to hold", null).ShouldBeFalse();

    [Fact]
    public void A_threshold_of_zero_turns_the_gate_off() =>
        new ConfidenceGate(new ConfidenceGateOptions { MinConfidence = 0 }).Drops("the you what you struggling or completely cut little", 0.01).ShouldBeFalse();

    [Theory]
    [InlineData(-0.1, 6)]
    [InlineData(1.1, 6)]
    [InlineData(0.5, 0)]
    public void Settings_out_of_range_fail_at_start_up(double minConfidence, int minWords) =>
        Should.Throw<ArgumentException>(() => new ConfidenceGateOptions { MinConfidence = minConfidence, MinWords = minWords }.Validate());
}
