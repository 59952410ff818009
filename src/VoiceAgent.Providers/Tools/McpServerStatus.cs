namespace VoiceAgent.Providers.Tools;

/// <summary>Whether one MCP server is connected, how many tools it offers, or why it is not; <paramref name="Connections"/> counts its sessions (more than one: it was reconnected).</summary>
public sealed record McpServerStatus(string Name, bool Connected, int Tools, string? Error, int Connections = 0);
