namespace VoiceAgent.Providers.Tools;

/// <summary>Whether one MCP server is connected, how many tools it offers, or why it is not.</summary>
public sealed record McpServerStatus(string Name, bool Connected, int Tools, string? Error);
