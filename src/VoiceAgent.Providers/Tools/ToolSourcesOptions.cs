namespace VoiceAgent.Providers.Tools;

/// <summary>The tools the agent can call (configuration section <c>VoiceAgent:Tools</c>); all off by default.</summary>
public sealed class ToolSourcesOptions
{
    /// <summary>Built-in tools to enable, by name: <c>end_call</c>, <c>current_time</c>.</summary>
    public List<string> BuiltIn { get; set; } = [];

    /// <summary>The IANA or Windows time zone <c>current_time</c> answers in.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>How long a tool without its own <c>TimeoutMs</c> may run.</summary>
    public int DefaultTimeoutMs { get; set; } = 10_000;

    /// <summary>The longest tool result handed to the LLM, in characters; longer ones are cut.</summary>
    public int MaxResultChars { get; set; } = 8_000;

    public List<HttpToolOptions> Http { get; set; } = [];

    public List<McpServerOptions> Mcp { get; set; } = [];

    /// <summary>How long an MCP server may take to connect or list its tools.</summary>
    public int McpConnectTimeoutMs { get; set; } = 20_000;

    /// <summary>How often a connected MCP server's tools are listed again, so that a changed list is picked up and a server gone without a word is noticed and reconnected.</summary>
    public int McpPingIntervalMs { get; set; } = 15_000;

    /// <summary>The first wait before reconnecting to an MCP server that went away or could not start; it doubles up to 30 s.</summary>
    public int McpReconnectDelayMs { get; set; } = 1_000;
}
