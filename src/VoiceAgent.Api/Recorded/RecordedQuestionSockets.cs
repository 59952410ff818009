using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using VoiceAgent.Api.Auth;
using VoiceAgent.Api.Hosting;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Api.Recorded;

/// <summary>
/// The recorded-question sockets of PROTOCOLS.md §6 (seed 003): <c>/v1/chat/audio</c> and <c>/v1/chat/vlm</c>.
/// Auth by the bearer header (<c>?token=</c> is for the browser voice call only), origin check, per-key call limit, admission by <see cref="SessionSupervisor"/>.
/// </summary>
public static class RecordedQuestionSockets
{
    /// <summary>Options (validated at start-up), upload storage and its retention, and the vision capability.</summary>
    public static IServiceCollection AddRecordedQuestionSockets(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RecordedOptions>().Bind(configuration.GetSection(RecordedOptions.SectionName))
            .Validate(o => !o.Validate().Any(), "VoiceAgent:Recorded is invalid: see RecordedOptions.Validate.")
            .ValidateOnStart();
        services.AddSingleton(_ => VisionCapability.From(configuration));
        services.AddSingleton<UploadStorage>();
        services.AddSingleton<UploadRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<UploadRetention>());
        services.AddSingleton<RecordedQuestionServices>();
        return services;
    }

    public static IEndpointRouteBuilder MapRecordedQuestionSockets(this IEndpointRouteBuilder app)
    {
        app.Map("/v1/chat/audio", (HttpContext context, RecordedQuestionServices services, SessionSupervisor supervisor) =>
            HandleAsync(context, OwnServices(context, services), supervisor, (socket, lease, own, id) => new AudioQuestionConnection(socket, lease, own, id))).RequireApiKey().RequireRateLimiting(RateLimits.Calls);
        app.Map("/v1/chat/vlm", (HttpContext context, RecordedQuestionServices services, SessionSupervisor supervisor) =>
            HandleAsync(context, OwnServices(context, services), supervisor, (socket, lease, own, id) => new VlmQuestionConnection(socket, lease, own, id))).RequireApiKey().RequireRateLimiting(RateLimits.Calls);
        return app;
    }

    /// <summary>The caller's own sessions and upload folder: another key's session of the same id is a different conversation.</summary>
    private static RecordedQuestionServices OwnServices(HttpContext context, RecordedQuestionServices services) =>
        services.ForTenant(ApiCaller.Of(context).Tenant);

    private static async Task HandleAsync(HttpContext context, RecordedQuestionServices services, SessionSupervisor supervisor, Func<WebSocket, SessionLease, RecordedQuestionServices, string, RecordedConnection> connect)
    {
        if (await WebSocketAdmission.AcceptAsync(context, "recorded", liveCall: false) is not { } admitted)
        {
            return;
        }

        var (socket, lease) = admitted;
        using var owned = socket;
        using (lease)
        {
            var requested = context.Request.Query["session_id"].ToString();
            var id = SessionIdFormat.IsValid(requested) ? requested : SessionIdFormat.NewId();
            var connection = connect(socket, lease, services, id);
            if (requested.Length > 0 && id != requested)
            {
                // Told after 'connected', which names the id actually used.
                connection.InvalidQuerySessionId = true;
            }

            await connection.RunAsync(context.RequestAborted);
        }
    }
}
