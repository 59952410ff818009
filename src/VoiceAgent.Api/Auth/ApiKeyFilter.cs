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
            // Refuse the upgrade with a plain 401: a browser cannot read the body, but the close is immediate.
            return Results.Json(OpenAIError.Of(message, "invalid_request_error", "invalid_api_key"), ApiJson.Options, statusCode: 401);
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
