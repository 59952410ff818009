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
public sealed class PhoneCallAuth(ApiKeyValidator keys, IOptions<TelephonyOptions> options, TimeProvider time)
{
    /// <summary>How long the stream has, after the webhook answered, to present the call token it was given.</summary>
    public static readonly TimeSpan CallTokenLifetime = TimeSpan.FromMinutes(5);

    // Call sids whose token has been used, with when the token expires: a token opens one stream only.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);

    public TelephonyOptions Options => options.Value;

    /// <summary>The tenant an API key acts as, or null.</summary>
    public TenantId? FromKey(string? key) => keys.Resolve(key)?.Tenant;

    /// <summary>The configured tenant of signature-proven calls.</summary>
    public TenantId SignedTenant => new(options.Value.Tenant);

    /// <summary>Twilio's auth token, when signatures are checked.</summary>
    public string? TwilioAuthToken => string.IsNullOrEmpty(options.Value.Twilio.AuthToken) ? null : options.Value.Twilio.AuthToken;

    /// <summary>
    /// The token the signed webhook gives one call's stream: it binds the call sid and the caller to this webhook answer
    /// and expires. The stream upgrade's own signature covers only a fixed URL (the same for every call), so it cannot
    /// say which call is connecting, nor who the caller is; the session id comes from the caller.
    /// </summary>
    public string IssueCallToken(string authToken, string callSid, string from) =>
        CallToken(authToken, callSid, from, time.GetUtcNow() + CallTokenLifetime);

    /// <summary>True, once, for a token issued for this call sid and caller that has not expired.</summary>
    public bool RedeemCallToken(string authToken, string? token, string callSid, string from)
    {
        var dot = token?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (token is null || dot <= 0 || !long.TryParse(token.AsSpan(0, dot), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var expiresUnix))
        {
            return false;
        }

        var expires = DateTimeOffset.FromUnixTimeSeconds(Math.Min(expiresUnix, 253402300799));
        var now = time.GetUtcNow();
        if (expires < now || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.ASCII.GetBytes(token), System.Text.Encoding.ASCII.GetBytes(CallToken(authToken, callSid, from, expires))))
        {
            return false;
        }

        foreach (var (sid, until) in _used)
        {
            if (until < now)
            {
                _used.TryRemove(sid, out _);
            }
        }

        return _used.TryAdd(callSid, expires);
    }

    /// <summary>Expiry (Unix seconds), a dot, and HMAC-SHA256 under the auth token of the call sid, caller and expiry.</summary>
    public static string CallToken(string authToken, string callSid, string from, DateTimeOffset expires)
    {
        var seconds = expires.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var mac = System.Security.Cryptography.HMACSHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(authToken),
            System.Text.Encoding.UTF8.GetBytes($"voiceagent-stream\n{callSid}\n{from}\n{seconds}"));
        return seconds + "." + Convert.ToBase64String(mac).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
