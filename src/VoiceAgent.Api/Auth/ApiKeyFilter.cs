using Microsoft.Extensions.Primitives;
using VoiceAgent.Api.Protocol;

namespace VoiceAgent.Api.Auth;

/// <summary>
/// Requires <c>Authorization: Bearer &lt;key&gt;</c>. Only the voice-call socket may also carry it as <c>?token=</c>,
/// because browsers cannot set headers on a WebSocket. Puts the resolved <see cref="ApiCaller"/> in the request's
/// features and names it (never the key) in a logging scope around the endpoint, so every log line of a call says whose it is.
/// </summary>
public sealed partial class ApiKeyFilter(ApiKeyValidator validator, AuthMetrics metrics, ILogger<ApiKeyFilter> logger, bool allowQueryToken, bool operatorOnly) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var caller = validator.Resolve(BearerOf(http.Request.Headers.Authorization));
        if (caller is null && allowQueryToken)
        {
            caller = validator.Resolve(http.Request.Query["token"]);
        }

        if (caller is null)
        {
            metrics.Refused();
            var missing = http.Request.Headers.Authorization.Count == 0 && !(allowQueryToken && http.Request.Query.ContainsKey("token"));
            LogRefused(logger, http.Request.Path.Value ?? "", missing ? "no key" : "unknown key");
            return await RefuseAsync(http, 401, missing ? "Missing API key: send Authorization: Bearer <key>." : "Invalid API key.", "invalid_api_key");
        }

        if (operatorOnly && !caller.Operator)
        {
            // 403, not 401: the key is valid (the client should not retry with it), it just may not do this.
            metrics.Forbidden(caller);
            LogForbidden(logger, caller.Name, http.Request.Path.Value ?? "");
            return await RefuseAsync(http, 403, "This endpoint needs an operator key (\"Operator\": true in VoiceAgent:Auth:Keys).", "operator_key_required");
        }

        metrics.Accepted(caller);
        http.Features.Set(caller);
        using (logger.BeginScope(new Dictionary<string, object> { ["KeyName"] = caller.Name }))
        {
            return await next(context);
        }
    }

    private static async ValueTask<object?> RefuseAsync(HttpContext http, int status, string message, string code)
    {
        if (http.WebSockets.IsWebSocketRequest)
        {
            // A browser cannot see the status of a refused upgrade, only a close: accept, then close 1008 with the reason.
            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.CloseOutputAsync(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, message, timeout.Token);
            return Results.Empty;
        }

        if (status == 401)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
        }

        return OpenAIError.Result(status, message, status == 401 ? "invalid_request_error" : "permission_error", code);
    }

    private static string? BearerOf(StringValues header)
    {
        var value = header.ToString();
        const string Prefix = "Bearer ";
        return value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? value[Prefix.Length..].Trim() : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused {Path}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused {Path} to key {KeyName}: not an operator key")]
    private static partial void LogForbidden(ILogger logger, string keyName, string path);
}
