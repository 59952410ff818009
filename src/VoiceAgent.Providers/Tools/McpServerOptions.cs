namespace VoiceAgent.Providers.Tools;

/// <summary>One MCP server whose tools the agent may call: a local process over stdio (<see cref="Command"/>) or Streamable HTTP (<see cref="Url"/>).</summary>
public sealed class McpServerOptions
{
    public string Name { get; set; } = "";

    /// <summary>The program to start (stdio transport).</summary>
    public string? Command { get; set; }

    public List<string> Arguments { get; set; } = [];

    public Dictionary<string, string?> Environment { get; set; } = [];

    /// <summary>The server's endpoint (Streamable HTTP transport).</summary>
    public string? Url { get; set; }

    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long one of its tools may take; 0 for the default.</summary>
    public int TimeoutMs { get; set; }
}
