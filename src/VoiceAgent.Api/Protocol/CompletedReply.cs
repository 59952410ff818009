using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Tts;

namespace VoiceAgent.Api.Protocol;

/// <summary>A whole reply, as a non-streamed <c>chat.completion</c> carries it.</summary>
public sealed record CompletedReply(
    string Id,
    string AudioId,
    long Created,
    string Model,
    bool WithAudio,
    string Text,
    IReadOnlyList<WordTiming> Words,
    ReadOnlyMemory<byte> Pcm,
    string FinishReason,
    UsageDetails Usage)
{
    /// <summary>The client's own tool calls (finish reason <c>tool_calls</c>).</summary>
    public IReadOnlyList<FunctionCallContent>? ToolCalls { get; init; }
}
