namespace VoiceAgent.Api.Auth;

/// <summary>
/// API keys (configuration <c>VoiceAgent:Auth</c>), reloaded when configuration changes. With none, any non-empty
/// bearer is accepted and everything belongs to one tenant (local use).
/// </summary>
public sealed class AuthOptions
{
    /// <summary>Named keys: each <see cref="ApiKeyOptions.Name"/> is a tenant that owns its sessions.</summary>
    public List<ApiKeyOptions> Keys { get; set; } = [];

    /// <summary>Plain keys, as before named keys existed: each is a tenant of its own, named <c>key-</c> and a short hash of the key.</summary>
    public List<string> ApiKeys { get; set; } = [];
}
