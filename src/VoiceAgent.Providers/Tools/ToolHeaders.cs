namespace VoiceAgent.Providers.Tools;

/// <summary>Request headers an HTTP tool receives about the conversation it acts for.</summary>
public static class ToolHeaders
{
    /// <summary>The conversation's session id.</summary>
    public const string SessionId = "X-VoiceAgent-Session-Id";

    /// <summary>The <c>context</c> object Agora sent with the request, as compact JSON (non-ASCII escaped), when there was one.</summary>
    public const string AgoraContext = "X-VoiceAgent-Agora-Context";

    /// <summary>The tenant the conversation belongs to: the caller's API-key name (<c>default</c> with no keys configured), never the key.</summary>
    public const string Tenant = "X-VoiceAgent-Tenant";
}
