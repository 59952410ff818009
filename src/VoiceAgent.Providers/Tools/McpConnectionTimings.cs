namespace VoiceAgent.Providers.Tools;

/// <summary>How MCP servers are kept connected: the wait for a connection (and a listing), how often the tools are listed again (the liveness probe), and the first reconnect delay (doubling to 30 s).</summary>
public sealed record McpConnectionTimings(TimeSpan ConnectTimeout, TimeSpan PingInterval, TimeSpan ReconnectDelay);
