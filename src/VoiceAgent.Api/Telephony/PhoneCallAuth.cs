using Microsoft.Extensions.Options;
using VoiceAgent.Api.Auth;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Api.Telephony;

/// <summary>
/// Whose conversations a phone call touches. Carriers cannot send our <c>Authorization</c> header, so a call proves
/// itself one of two ways: an API key it was given (<c>?token=</c> on the URL the carrier was configured with, or the
/// <c>token</c> custom parameter the Twilio webhook passes to its stream) acts as that key's tenant; a valid Twilio
/// signature (with <c>Twilio:AuthToken</c> set) acts as <c>Telephony:Tenant</c>. Anything else is refused, so a call
/// can never reach another tenant's sessions.
/// </summary>
public sealed class PhoneCallAuth(ApiKeyValidator keys, IOptions<TelephonyOptions> options)
{
    public TelephonyOptions Options => options.Value;

    /// <summary>The tenant an API key acts as, or null.</summary>
    public TenantId? FromKey(string? key) => keys.Resolve(key)?.Tenant;

    /// <summary>The configured tenant of signature-proven calls.</summary>
    public TenantId SignedTenant => new(options.Value.Tenant);

    /// <summary>Twilio's auth token, when signatures are checked.</summary>
    public string? TwilioAuthToken => string.IsNullOrEmpty(options.Value.Twilio.AuthToken) ? null : options.Value.Twilio.AuthToken;
}
