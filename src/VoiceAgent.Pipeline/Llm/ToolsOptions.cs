namespace VoiceAgent.Pipeline.Llm;

/// <summary>How a turn behaves around tool calls (configuration section <c>VoiceAgent:Tools</c>; the tools themselves are configured there too).</summary>
public sealed class ToolsOptions
{
    public const string SectionName = "VoiceAgent:Tools";

    /// <summary>LLM ↔ tool rounds per turn at most; the model's last request for a tool then goes unanswered.</summary>
    public int MaxRounds { get; set; } = 5;

    /// <summary>How long a tool may run silently before <see cref="Filler"/> is spoken (once per turn); 0 for never.</summary>
    public int FillerAfterMs { get; set; } = 700;

    /// <summary>What the agent says while a slow tool runs, so the line is never silent.</summary>
    public string Filler { get; set; } = "One moment.";

    /// <summary>Said when <see cref="MaxRounds"/> ran out before the model answered.</summary>
    public string RoundsExhausted { get; set; } = "Sorry, I couldn't finish that.";
}
