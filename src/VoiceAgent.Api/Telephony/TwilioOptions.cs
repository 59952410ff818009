namespace VoiceAgent.Api.Telephony;

/// <summary>Twilio's part of the telephony settings (<c>VoiceAgent:Telephony:Twilio</c>).</summary>
public sealed class TwilioOptions
{
    /// <summary>The account's auth token: when set, every webhook and stream must carry a valid <c>X-Twilio-Signature</c> (403 otherwise).</summary>
    public string? AuthToken { get; set; }
}
