namespace VoiceAgent.Api.Auth;

/// <summary>API keys (configuration <c>VoiceAgent:Auth:ApiKeys</c>). With none, any non-empty bearer is accepted (local use).</summary>
public sealed class AuthOptions
{
    public List<string> ApiKeys { get; set; } = [];
}
