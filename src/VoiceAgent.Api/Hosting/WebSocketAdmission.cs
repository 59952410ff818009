using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Api.Hosting;

/// <summary>
/// What every WebSocket endpoint does before its protocol starts: refuse non-WebSocket requests (400) and foreign
/// origins (403), accept, then take a session slot from <see cref="SessionSupervisor"/> or close with 1013 (at capacity:
/// sessions, live calls, or scheduling lag) / 1001 (shutting down). The browser call and every carrier's phone stream
/// come through here as live calls, so one limit covers both.
/// </summary>
public static class WebSocketAdmission
{
    /// <summary>The accepted socket and its lease, or null when the request was refused (the response is already sent).</summary>
    /// <param name="context">The upgrade request.</param>
    /// <param name="kind">The session kind the metrics count it under (call, phone, recorded).</param>
    /// <param name="liveCall">A real-time call (browser or phone): counts against <c>VoiceAgent:Capacity:MaxCalls</c>.</param>
    public static async Task<(WebSocket Socket, SessionLease Lease)?> AcceptAsync(HttpContext context, string kind, bool liveCall)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("This endpoint speaks WebSocket only.");
            return null;
        }

        var limits = context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value;
        if (!OriginCheck.IsAllowed(context.Request, limits.AllowedOrigins))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync("This origin may not open sockets here (VoiceAgent:Limits:AllowedOrigins).");
            return null;
        }

        var supervisor = context.RequestServices.GetRequiredService<SessionSupervisor>();
        var socket = await context.WebSockets.AcceptWebSocketAsync();
#pragma warning disable CA2000 // An admitted lease goes to the caller, who disposes it; a refusal has no lease (null).
        var decision = supervisor.Admit(kind, liveCall, out var lease);
#pragma warning restore CA2000
        if (decision == AdmissionDecision.Admitted)
        {
            return (socket, lease!);
        }

        using (socket)
        {
            // 1013 "Try Again Later" (RFC 6455 registry) for every capacity refusal: the caller's retry is the right move.
            var (status, reason) = decision switch
            {
                AdmissionDecision.ShuttingDown => (WebSocketCloseStatus.EndpointUnavailable, "service shutting down"),
                AdmissionDecision.Overloaded => ((WebSocketCloseStatus)1013, "service overloaded, try again later"),
                _ => ((WebSocketCloseStatus)1013, "service at capacity, try again later"),
            };
            await socket.CloseOutputAsync(status, reason, context.RequestAborted);
        }

        return null;
    }
}
