using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using VoiceAgent.Api.Auth;
using VoiceAgent.Api.Hosting;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Api.VoiceCall;

/// <summary>Maps <c>/chat/voice_call</c> (§2): auth by header or <c>?token=</c>, admission, then one <see cref="VoiceCallConnection"/>.</summary>
public static partial class VoiceCallEndpoint
{
    public static IEndpointRouteBuilder MapVoiceCall(this IEndpointRouteBuilder app)
    {
        app.Map("/chat/voice_call", HandleAsync).RequireApiKey(allowQueryToken: true).RequireRateLimiting(RateLimits.Calls);
        return app;
    }

    private static async Task HandleAsync(
        HttpContext context,
        SessionSupervisor supervisor,
        ConversationPipelineFactory pipelines,
        IConversationStore store,
        IOptions<VoiceCallOptions> options,
        IOptions<LimitsOptions> limits,
        PipelineMetrics metrics,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("This endpoint speaks WebSocket only.");
            return;
        }

        if (!OriginCheck.IsAllowed(context.Request, limits.Value.AllowedOrigins))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync("This origin may not open voice calls (VoiceAgent:Limits:AllowedOrigins).");
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        if (!supervisor.TryAdmit("call", out var lease))
        {
            var status = supervisor.IsStopping ? WebSocketCloseStatus.EndpointUnavailable : (WebSocketCloseStatus)1013;
            await socket.CloseOutputAsync(status, supervisor.IsStopping ? "service shutting down" : "service at capacity, try again later", context.RequestAborted);
            return;
        }

        using (lease)
        {
            var logger = loggers.CreateLogger("VoiceAgent.VoiceCall");
            using var scope = logger.BeginScope(new Dictionary<string, object> { ["CallId"] = lease!.Id });
            metrics.SessionStarted("call");
            try
            {
                await new VoiceCallConnection(socket, lease, pipelines, store, options.Value, metrics, time, logger).RunAsync(context.RequestAborted);
            }
            finally
            {
                metrics.SessionEnded("call");
            }
        }
    }
}
