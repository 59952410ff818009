using Microsoft.Extensions.Primitives;
using VoiceAgent.Api.Protocol;

namespace VoiceAgent.Api.Auth;

/// <summary>
/// Requires <c>Authorization: Bearer &lt;key&gt;</c>. Only the voice-call socket may also carry it as <c>?token=</c>,
/// because browsers cannot set headers on a WebSocket.
/// </summary>
public sealed class ApiKeyFilter(ApiKeyValidator validator, bool allowQueryToken) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (validator.IsValid(BearerOf(http.Request.Headers.Authorization)) ||
            (allowQueryToken && validator.IsValid(http.Request.Query["token"])))
        {
            return await next(context);
        }

        var message = http.Request.Headers.Authorization.Count == 0 && !(allowQueryToken && http.Request.Query.ContainsKey("token"))
            ? "Missing API key: send Authorization: Bearer <key>."
            : "Invalid API key.";
        if (http.WebSockets.IsWebSocketRequest)
        {
            // A browser cannot see the status of a refused upgrade, only a close: accept, then close 1008 with the reason.
            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.CloseOutputAsync(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, message, timeout.Token);
            return Results.Empty;
        }

        http.Response.Headers.WWWAuthenticate = "Bearer";
        return OpenAIError.Result(401, message, "invalid_request_error", "invalid_api_key");
    }

    private static string? BearerOf(StringValues header)
    {
        var value = header.ToString();
        const string Prefix = "Bearer ";
        return value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? value[Prefix.Length..].Trim() : null;
    }
}
