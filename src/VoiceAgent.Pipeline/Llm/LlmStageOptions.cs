namespace VoiceAgent.Pipeline.Llm;

/// <summary>How the LLM stage behaves when the engine fails (configuration section <c>VoiceAgent:Llm</c>).</summary>
public sealed class LlmStageOptions
{
    /// <summary>Spoken to the user when the LLM fails mid-turn; empty to say nothing.</summary>
    public string FailureMessage { get; set; } = "Sorry, I'm having trouble answering right now.";

    /// <summary>The longest reply sent to speech synthesis; a longer one is cut there and finishes with "length".</summary>
    public int MaxReplyChars { get; set; } = 4000;

    /// <summary>Which finals with words are still too unsure to answer (babble).</summary>
    public ConfidenceGateOptions Confidence { get; set; } = new();
}
