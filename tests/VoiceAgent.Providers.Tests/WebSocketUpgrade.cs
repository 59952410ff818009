namespace VoiceAgent.Providers.Tests;

/// <summary>The HTTP upgrade request of one WebSocket: its path (with query) and headers.</summary>
internal sealed record WebSocketUpgrade(string Path, IReadOnlyDictionary<string, string> Headers)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}
