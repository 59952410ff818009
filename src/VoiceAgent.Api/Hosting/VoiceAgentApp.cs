using Microsoft.Extensions.Options;
using VoiceAgent.Api.Auth;
using VoiceAgent.Api.Endpoints;
using VoiceAgent.Api.Observability;
using VoiceAgent.Api.Recorded;
using VoiceAgent.Api.Telephony;
using VoiceAgent.Api.VoiceCall;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Tts;

namespace VoiceAgent.Api.Hosting;

/// <summary>Builds the service: configuration, engines, pipeline, endpoints. Tests build the same app on 127.0.0.1 port 0.</summary>
public static partial class VoiceAgentApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The content root is where the binaries and appsettings.json are, whoever starts the process from wherever.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var config = builder.Configuration;
        var services = builder.Services;

        services.AddSingleton(TimeProvider.System);
        services.AddOptions<PipelineOptions>().Bind(config.GetSection("VoiceAgent:Pipeline"))
            .Validate(o => { o.Vad.Validate(); o.Interruptions.Validate(); o.Llm.Confidence.Validate(); return true; })
            .Validate(o => o.Output.ChunkMs is >= 10 and <= 1000, "VoiceAgent:Pipeline:Output:ChunkMs must be 10..1000.")
            .Validate(o => o.Output.OutputSampleRate is >= 8000 and <= 48_000, "VoiceAgent:Pipeline:Output:OutputSampleRate must be 8000..48000.")
            .ValidateOnStart();
        services.AddOptions<SessionSupervisorOptions>().Bind(config.GetSection("VoiceAgent:Sessions"))
            .Validate(o => o.MaxSessions > 0, "VoiceAgent:Sessions:MaxSessions must be positive.").ValidateOnStart();
        services.AddOptions<HttpApiOptions>().Bind(config.GetSection("VoiceAgent:Http"))
            .Validate(o => o.MaxBodyBytes > 0 && o.MaxUploadBytes > 0, "VoiceAgent:Http:MaxBodyBytes and MaxUploadBytes must be positive.").ValidateOnStart();
        services.AddSingleton(_ => new VoiceAgent.Providers.Ffmpeg.FfmpegEncoderPool(Endpoints.SpeechEncoders.SampleRate));
        services.AddOptions<VoiceAliasOptions>().Bind(config.GetSection("VoiceAgent:Tts"));
        services.AddOptions<AuthOptions>().Bind(config.GetSection("VoiceAgent:Auth"));
        services.AddOptions<VoiceCallOptions>().Bind(config.GetSection("VoiceAgent:VoiceCall"))
            .Validate(o => o.MaxMessageBytes >= 64 * 1024, "VoiceAgent:VoiceCall:MaxMessageBytes must be at least 65536 (1 s of audio in a JSON frame).")
            .Validate(o => o.SendQueueFrames > 0, "VoiceAgent:VoiceCall:SendQueueFrames must be positive.").ValidateOnStart();

        services.AddOptions<LimitsOptions>().Bind(config.GetSection("VoiceAgent:Limits"));
        services.AddPerKeyRateLimits(config);
        services.AddSingleton<ApiKeyValidator>();
        services.AddSingleton(sp => new AuthMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton(sp => new PipelineMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddTelemetry(config);
        services.AddOptions<CapacityOptions>().Bind(config.GetSection("VoiceAgent:Capacity"))
            .Validate(o => { o.Validate(); return true; }).ValidateOnStart();
        services.AddSingleton<SchedulingLagMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<SchedulingLagMonitor>());
        services.AddSingleton<SessionSupervisor>();
        services.AddHostedService(sp => sp.GetRequiredService<SessionSupervisor>());
        services.AddTurnDetectors();
        services.AddSingleton<ConversationPipelineFactory>();
        services.AddSingleton(sp => new SynthesisCache(sp.GetRequiredService<IOptions<HttpApiOptions>>().Value.SynthesisCacheBytes));
        services.AddSingleton<ChatCompletionHandler>();
        services.AddRecordedQuestionSockets(config);
        services.AddTelephony(config);

        services.AddConversationStore(config);
        services.AddEmbeddedEngines(config);
        services.AddOpenAIEngines(config);
        services.AddInstantEngines(config);
        services.AddDashScopeEngines(config);
        services.AddConfiguredEngines(config);
        services.AddAgentTools(config);
        services.AddSingleton<EngineHealth>();
        services.AddSingleton<EngineWarmUp>();
        services.AddHostedService<EngineStartupCheck>();

        if (config.GetValue<bool>("VoiceAgent:Server:InlineSocketScheduling"))
        {
            // Opt-in (README, Configuration): a connection's code runs on the socket I/O thread that read its bytes, up to
            // its first real wait, instead of hopping to the thread pool twice per read. Saves CPU per 20 ms call frame;
            // anything that computes or blocks synchronously on that path holds up every connection of the I/O thread.
            builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
        }

        configure?.Invoke(builder);

        var app = builder.Build();
        app.Services.GetRequiredService<HostMeters>().Own(app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        // The browser page comes first: plain files that need no key (the page asks for one; the API checks it).
        app.UseVoiceCallPage();
        if (app.Services.GetRequiredService<ApiKeyValidator>().Open)
        {
            LogOpenAuth(app.Logger);
        }

        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });
        app.UseRateLimiter();
        app.MapHealthEndpoints();
        app.MapChatEndpoints();
        app.MapOpenAIAudioEndpoints();
        app.MapSessionEndpoints();
        app.MapVoiceCall();
        app.MapMetrics();
        app.MapRecordedQuestionSockets();
        app.MapTelephony();
        return app;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No API keys configured (VoiceAgent:Auth:Keys or ApiKeys): any non-empty bearer token is accepted, and every caller shares one tenant's sessions. Configure keys before exposing the service.")]
    private static partial void LogOpenAuth(ILogger logger);
}
