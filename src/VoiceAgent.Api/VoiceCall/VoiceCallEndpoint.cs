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
        ConversationPipelineFactory pipelines,
        IConversationStore store,
        IOptions<VoiceCallOptions> options,
        PipelineMetrics metrics,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        if (await WebSocketAdmission.AcceptAsync(context, "call", liveCall: true) is not { } admitted)
        {
            return;
        }

        var (socket, lease) = admitted;
        using var owned = socket;
        using (lease)
        {
            var logger = loggers.CreateLogger("VoiceAgent.VoiceCall");
            using var scope = logger.BeginScope(new Dictionary<string, object> { ["CallId"] = lease.Id });
            // The caller's own sessions only: another key's session of the same id is a different conversation.
            var own = store.ForTenant(ApiCaller.Of(context).Tenant);
            await new VoiceCallConnection(socket, lease, pipelines, own, options.Value, metrics, time, logger).RunAsync(context.RequestAborted);
        }
    }
}
