using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Api.Hosting;

/// <summary>
/// What every WebSocket endpoint does before its protocol starts: refuse non-WebSocket requests (400) and foreign
/// origins (403), accept, then take a session slot or close with 1013 (at capacity) / 1001 (shutting down).
/// </summary>
public static class WebSocketAdmission
{
    /// <summary>The accepted socket and its lease, or null when the request was refused (the response is already sent).</summary>
    public static async Task<(WebSocket Socket, SessionLease Lease)?> AcceptAsync(HttpContext context, string kind)
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
        if (supervisor.TryAdmit(kind, out var lease))
        {
            return (socket, lease!);
        }

        using (socket)
        {
            var status = supervisor.IsStopping ? WebSocketCloseStatus.EndpointUnavailable : (WebSocketCloseStatus)1013;
            await socket.CloseOutputAsync(status, supervisor.IsStopping ? "service shutting down" : "service at capacity, try again later", context.RequestAborted);
        }

        return null;
    }
}
