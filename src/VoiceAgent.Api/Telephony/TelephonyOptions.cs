namespace VoiceAgent.Api.Telephony;

/// <summary>Phone calls through a carrier's media stream (configuration section <c>VoiceAgent:Telephony</c>).</summary>
public sealed class TelephonyOptions
{
    /// <summary>
    /// The service's address as the carrier reaches it (<c>https://agent.example.com</c>): the webhook builds the stream
    /// URL from it, and Twilio's signatures are computed over it (behind a proxy the request's own URL differs).
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>
    /// Whose conversations calls proven by a carrier signature are (Twilio with <c>Twilio:AuthToken</c> set). A call that
    /// brings an API key as <c>?token=</c> instead belongs to that key's tenant.
    /// </summary>
    public string Tenant { get; set; } = "default";

    /// <summary>The session (conversation) of a call: <c>caller</c> (the caller's number, so ringing again continues) or <c>call</c> (one per call).</summary>
    public string SessionId { get; set; } = "caller";

    /// <summary>Keys pressed within this long of each other form one DTMF entry; then it goes to the LLM as the user's turn.</summary>
    public int DtmfTimeoutMs { get; set; } = 1500;

    /// <summary>
    /// Agent audio is sent at most this far ahead of the caller's playback, so the carrier's buffer stays short and a
    /// <c>clear</c> has little to drop. The interruption policy's playback lead, when on and shorter, keeps it shorter still.
    /// </summary>
    public int MaxBufferMs { get; set; } = 400;

    public TwilioOptions Twilio { get; set; } = new();

    /// <param name="production">
    /// In production, checking Twilio's signatures requires <see cref="PublicBaseUrl"/>: without it the signed URL is rebuilt
    /// from the request's Host header, which the caller picks (a signature Twilio made for another host of the same account
    /// would then pass here).
    /// </param>
    public void Validate(bool production = false)
    {
        if (production && !string.IsNullOrEmpty(Twilio.AuthToken) && string.IsNullOrEmpty(PublicBaseUrl))
        {
            throw new ArgumentException("VoiceAgent:Telephony:PublicBaseUrl must be set when Twilio:AuthToken is: Twilio's signatures are checked over the URL Twilio called, which the request's Host header must not decide.");
        }

        if (SessionId is not ("caller" or "call"))
        {
            throw new ArgumentException("VoiceAgent:Telephony:SessionId must be 'caller' or 'call'.");
        }

        if (!VoiceAgent.Pipeline.Sessions.TenantId.IsValid(Tenant))
        {
            throw new ArgumentException($"VoiceAgent:Telephony:Tenant '{Tenant}' is not a valid tenant name.");
        }

        if (DtmfTimeoutMs < 100 || MaxBufferMs < 40)
        {
            throw new ArgumentException("VoiceAgent:Telephony: DtmfTimeoutMs must be >= 100 and MaxBufferMs >= 40.");
        }

        if (PublicBaseUrl is { Length: > 0 } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
        {
            throw new ArgumentException("VoiceAgent:Telephony:PublicBaseUrl must be an absolute http(s) URL.");
        }
    }
}
