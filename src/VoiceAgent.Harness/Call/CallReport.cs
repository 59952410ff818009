using System.Net.WebSockets;
using VoiceAgent.Harness.Client;

namespace VoiceAgent.Harness.Call;

/// <summary>What a <c>call</c> produced: the turns, the agent's speech and how the call ended.</summary>
public sealed record CallReport(
    string SessionId,
    IReadOnlyList<TurnResult> Turns,
    byte[] AgentAudio,
    int AgentSampleRate,
    WebSocketCloseStatus? CloseStatus,
    string? CloseDescription,
    IReadOnlyList<string> Errors,
    IReadOnlyList<float> FrameLagMs)
{
    public bool ClosedNormally => CloseStatus == WebSocketCloseStatus.NormalClosure;
}
