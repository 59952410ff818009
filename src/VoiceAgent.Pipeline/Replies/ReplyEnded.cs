using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Pipeline.Replies;

/// <summary>How a reply ended, as the listener should be told.</summary>
/// <param name="FinishReason">stop, length, tool_calls or error.</param>
/// <param name="Error">What failed: a stage's own error (the detailed one) before the reply end's.</param>
/// <param name="ErrorFromStage">The error came from a stage after the LLM (speech synthesis) and was already passed to <see cref="ReplyWriter.ErrorAsync"/>; the LLM's text was complete.</param>
/// <param name="Saved">The turn reached the conversation history (false when the reply has none, or the store failed).</param>
/// <param name="Timeline">The turn's milestones, for latencies; forgotten once the writer returns.</param>
public sealed record ReplyEnded(TurnId Turn, string FinishReason, PipelineError? Error, bool ErrorFromStage, UsageDetails? Usage, bool Saved, TurnTimeline Timeline)
{
    /// <summary>Calls of the client's own tools (finish reason <c>tool_calls</c>), for the client to run; null for none.</summary>
    public IReadOnlyList<FunctionCallContent>? ToolCalls { get; init; }
}
