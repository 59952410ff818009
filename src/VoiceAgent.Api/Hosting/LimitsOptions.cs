namespace VoiceAgent.Api.Hosting;

/// <summary>Per-key limits (configuration section <c>VoiceAgent:Limits</c>); 0 turns a limit off.</summary>
public sealed class LimitsOptions
{
    /// <summary>HTTP requests a key may make per minute; more get 429 with Retry-After.</summary>
    public int RequestsPerMinutePerKey { get; set; } = 600;

    /// <summary>Voice calls and streaming replies a key may hold open at once; more get 429.</summary>
    public int ConcurrentCallsPerKey { get; set; } = 100;

    /// <summary>Origins (scheme://host[:port]) allowed to open WebSockets besides the service's own; "*" allows any.</summary>
    public List<string> AllowedOrigins { get; set; } = [];
}
