using System.Text.RegularExpressions;
using Microsoft.Net.Http.Headers;

namespace VoiceAgent.Api.Hosting;

/// <summary>
/// Serves the browser voice-call page from wwwroot at <c>/</c>, with headers that keep it to its own origin. The page
/// needs no key (it asks for one); every API endpoint stays behind the key check.
/// </summary>
public static partial class StaticPage
{
    public static WebApplication UseVoiceCallPage(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions { OnPrepareResponse = context => AddHeaders(context.Context) });
        return app;
    }

    private static void AddHeaders(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy(context.Request);
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Permissions-Policy"] = "microphone=(self), camera=(), geolocation=()";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        // Revalidate (cheap, by ETag) so a new version of the page is never mixed with old cached modules.
        headers[HeaderNames.CacheControl] = "no-cache";
    }

    private static string ContentSecurityPolicy(HttpRequest request)
    {
        // 'self' covers ws:/wss: to the same host in current browsers; the explicit origin covers older Safari. Only a
        // plain host[:port] goes into the header, so no Host value can add directives of its own.
        var host = request.Host.Value;
        var sockets = host is not null && PlainHost().IsMatch(host) ? $" ws://{host} wss://{host}" : string.Empty;
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " +
               $"connect-src 'self'{sockets}; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }

    [GeneratedRegex(@"^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$")]
    private static partial Regex PlainHost();
}
