namespace VoiceAgent.Api.Auth;

/// <summary>One entry of <c>VoiceAgent:Auth:Keys</c>: a key (or its SHA-256) and the tenant name it acts as.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>
    /// The tenant: it owns every session made with this key, and logs and metrics name it. Entries with the same name are
    /// one tenant, which is how a key is rotated without losing its conversations (add the new key, then drop the old).
    /// </summary>
    public string Name { get; set; } = "";

    /// <summary>The key itself; or leave it empty and give <see cref="KeySha256"/>.</summary>
    public string? Key { get; set; }

    /// <summary>The SHA-256 of the key as hex, so the plain key need not sit in configuration (<c>printf %s KEY | sha256sum</c>).</summary>
    public string? KeySha256 { get; set; }

    /// <summary>May read <c>/metrics</c> and other operator endpoints.</summary>
    public bool Operator { get; set; }
}
