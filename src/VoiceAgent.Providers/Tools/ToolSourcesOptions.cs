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
}
