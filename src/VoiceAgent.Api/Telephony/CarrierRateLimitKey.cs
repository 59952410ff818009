namespace VoiceAgent.Api.Telephony;

/// <summary>
/// The per-key limits' partition for a carrier request that brings no API key on its URL (Twilio's: its stream URL takes
/// no query string). Putting them all in one anonymous bucket let one account's calls, or anyone's, use up every other
/// caller's budget.
/// </summary>
public static class CarrierRateLimitKey
{
    /// <summary>The partition, or null when the request is not a keyless carrier request.</summary>
    public static string? Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Request.Path.StartsWithSegments("/telephony/twilio", StringComparison.Ordinal))
        {
            return null;
        }

        // A stream upgrade signed by the account acts as Telephony:Tenant, so it spends that tenant's budget, as a key would.
        var auth = context.RequestServices.GetRequiredService<PhoneCallAuth>();
        if (context.WebSockets.IsWebSocketRequest && auth.TwilioAuthToken is { } token
            && TwilioSignature.IsValid(context.Request, token, auth.Options.PublicBaseUrl, form: null))
        {
            return "tenant:" + auth.SignedTenant.Value;
        }

        // The webhook (its signature covers a form not read yet) and an unsigned stream (its key comes in the start message)
        // cannot be tied to an account here: each is its own call. Neither holds anything for long: a bad signature is
        // refused at once, a stream without a valid start is closed within seconds, and the service's admission bounds both.
        return "call:" + context.TraceIdentifier;
    }
}
