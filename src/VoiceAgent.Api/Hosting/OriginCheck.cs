namespace VoiceAgent.Api.Hosting;

/// <summary>
/// Cross-site WebSocket hijacking guard: a browser always sends <c>Origin</c>; a socket from a page of another origin
/// is refused unless that origin is allowed. Clients that send no Origin (the harness, servers) are not browsers.
/// </summary>
public static class OriginCheck
{
    public static bool IsAllowed(HttpRequest request, IReadOnlyCollection<string> allowed)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0 || allowed.Contains("*"))
        {
            return true;
        }

        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri))
        {
            return false;
        }

        // Same origin: the page was served by this service.
        if (string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return allowed.Any(a => string.Equals(a.TrimEnd('/'), origin.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
    }
}
