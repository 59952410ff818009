using Twilio.Security;

namespace VoiceAgent.Api.Telephony;

/// <summary>
/// Checks <c>X-Twilio-Signature</c> with the Twilio SDK's validator: HMAC-SHA1, keyed with the auth token, of the URL
/// Twilio requested plus the sorted POST parameters. The URL is rebuilt from <c>PublicBaseUrl</c> when set, because
/// behind a proxy or tunnel the request's own URL is not the one Twilio signed.
/// </summary>
public static class TwilioSignature
{
    public const string Header = "X-Twilio-Signature";

    /// <summary>True when the request carries a valid signature for <paramref name="authToken"/>.</summary>
    public static bool IsValid(HttpRequest request, string authToken, string? publicBaseUrl, IFormCollection? form)
    {
        var signature = request.Headers[Header].ToString();
        if (signature.Length == 0)
        {
            return false;
        }

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in form ?? (IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>>)[])
        {
            parameters[key] = value.ToString();
        }

        return new RequestValidator(authToken).Validate(SignedUrl(request, publicBaseUrl), parameters, signature);
    }

    /// <summary>The URL Twilio signed: the public base (or the request's own scheme and host), path and query; ws(s) for a WebSocket.</summary>
    public static string SignedUrl(HttpRequest request, string? publicBaseUrl)
    {
        var baseUrl = PublicBase(request, publicBaseUrl);
        if (request.HttpContext.WebSockets.IsWebSocketRequest)
        {
            baseUrl = ToWebSocket(baseUrl);
        }

        return baseUrl + request.PathBase + request.Path + request.QueryString;
    }

    /// <summary>The service's address as carriers reach it: <paramref name="publicBaseUrl"/> when set, else the request's own scheme and host.</summary>
    public static string PublicBase(HttpRequest request, string? publicBaseUrl) =>
        string.IsNullOrEmpty(publicBaseUrl) ? $"{request.Scheme}://{request.Host}" : publicBaseUrl.TrimEnd('/');

    /// <summary>http(s)://… as ws(s)://…</summary>
    public static string ToWebSocket(string url) =>
        url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? "wss://" + url[8..]
        : url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? "ws://" + url[7..]
        : url;
}
