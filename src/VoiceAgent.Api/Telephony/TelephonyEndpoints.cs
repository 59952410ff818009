using Microsoft.Extensions.Options;
using Twilio.TwiML;
using Connect = Twilio.TwiML.Voice.Connect;
using VoiceAgent.Api.Hosting;
using VoiceAgent.Api.VoiceCall;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Api.Telephony;

/// <summary>
/// Maps the phone endpoints (PROTOCOLS.md §7): Twilio's voice webhook and media stream, and the Telnyx and Vonage
/// media streams. They do not take the API-key header (carriers cannot send it); <see cref="PhoneCallAuth"/> decides.
/// </summary>
public static partial class TelephonyEndpoints
{
    public const string TwilioVoicePath = "/telephony/twilio/voice";
    public const string TwilioStreamPath = "/telephony/twilio/stream";
    public const string TelnyxStreamPath = "/telephony/telnyx/stream";
    public const string VonageStreamPath = "/telephony/vonage/stream";
    public const string VonageAnswerPath = "/telephony/vonage/answer";

    /// <summary>The largest webhook body read: Twilio's voice webhook sends about 1–2 KB.</summary>
    public const int MaxWebhookBytes = 64 * 1024;

    private static readonly Microsoft.AspNetCore.Http.Features.FormOptions WebhookForm = new()
    {
        BufferBodyLengthLimit = MaxWebhookBytes,
        ValueCountLimit = 256,
        KeyLengthLimit = 256,
        ValueLengthLimit = 8 * 1024,
    };

    public static IServiceCollection AddTelephony(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<TelephonyOptions>().Bind(config.GetSection("VoiceAgent:Telephony"))
            .Validate<IHostEnvironment>((o, env) => { o.Validate(env.IsProduction()); return true; }).ValidateOnStart();
        services.AddSingleton<PhoneCallAuth>();
        return services;
    }

    public static IEndpointRouteBuilder MapTelephony(this IEndpointRouteBuilder app)
    {
        app.MapPost(TwilioVoicePath, TwilioVoiceAsync).DisableAntiforgery().RequireRateLimiting(RateLimits.Calls);
        app.Map(TwilioStreamPath, context => StreamAsync(context, new TwilioSerializer())).RequireRateLimiting(RateLimits.Calls);
        app.Map(TelnyxStreamPath, context => StreamAsync(context, new TelnyxSerializer())).RequireRateLimiting(RateLimits.Calls);
        app.Map(VonageStreamPath, context => StreamAsync(context, new VonageSerializer())).RequireRateLimiting(RateLimits.Calls);
        app.MapGet(VonageAnswerPath, VonageAnswer).RequireRateLimiting(RateLimits.Calls);
        var options = app.ServiceProvider.GetRequiredService<IOptions<TelephonyOptions>>().Value;
        if (!string.IsNullOrEmpty(options.Twilio.AuthToken) && string.IsNullOrEmpty(options.PublicBaseUrl))
        {
            // Production refuses this at start (TelephonyOptions.Validate); elsewhere it runs, but says what it trusts.
            LogHostTrusted(app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("VoiceAgent.Telephony"));
        }

        return app;
    }

    /// <summary>Answers Twilio's voice webhook with TwiML that connects the call to our stream, passing caller, call sid and key.</summary>
    private static async Task<IResult> TwilioVoiceAsync(HttpContext context, PhoneCallAuth auth, ILoggerFactory loggers)
    {
        // Twilio's webhook form is a few dozen short fields: anything much bigger is not Twilio, and is refused before it is buffered.
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxWebhookBytes;
        }

        IFormCollection? form;
        try
        {
            if (context.Request.ContentLength > MaxWebhookBytes)
            {
                return Results.Text($"The webhook body is over {MaxWebhookBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge);
            }

            form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(WebhookForm, context.RequestAborted) : null;
        }
        catch (Exception ex) when (ex is BadHttpRequestException or InvalidDataException)
        {
            return Results.Text("The webhook form is too large or malformed.", statusCode: ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest);
        }

        var token = context.Request.Query["token"].ToString();
        if (auth.TwilioAuthToken is { } authToken)
        {
            if (!TwilioSignature.IsValid(context.Request, authToken, auth.Options.PublicBaseUrl, form))
            {
                LogRefused(loggers.CreateLogger("VoiceAgent.Telephony"), TwilioVoicePath, "bad X-Twilio-Signature");
                return Results.Text("Invalid X-Twilio-Signature.", statusCode: StatusCodes.Status403Forbidden);
            }
        }
        else if (auth.FromKey(token) is null)
        {
            return Results.Text("Set VoiceAgent:Telephony:Twilio:AuthToken, or put ?token=<API key> on the webhook URL.", statusCode: StatusCodes.Status401Unauthorized);
        }

        var baseUrl = TwilioSignature.PublicBase(context.Request, auth.Options.PublicBaseUrl);

        // Twilio's <Stream> URL takes no query string: everything the stream needs travels as custom parameters.
        var stream = new Twilio.TwiML.Voice.Stream(url: TwilioSignature.ToWebSocket(baseUrl) + TwilioStreamPath);
        var from = form?["From"].ToString() ?? "";
        var callSid = form?["CallSid"].ToString() ?? "";
        stream.Parameter(name: "from", value: from);
        stream.Parameter(name: "callSid", value: callSid);
        if (token.Length > 0)
        {
            stream.Parameter(name: "token", value: token);
        }
        else if (auth.TwilioAuthToken is { } signingToken)
        {
            stream.Parameter(name: "callToken", value: auth.IssueCallToken(signingToken, callSid, from));
        }

        var response = new VoiceResponse();
        response.Append(new Connect().Append(stream));
        return Results.Content(response.ToString(), "application/xml");
    }

    /// <summary>
    /// Vonage's answer webhook: an NCCO that connects the call to our stream, with the key on its URL and the caller and
    /// call id as headers (they come back in the stream's first message).
    /// </summary>
    private static IResult VonageAnswer(HttpContext context, PhoneCallAuth auth)
    {
        var token = context.Request.Query["token"].ToString();
        if (auth.FromKey(token) is null)
        {
            return Results.Text("Put ?token=<API key> on the answer URL.", statusCode: StatusCodes.Status401Unauthorized);
        }

        var baseUrl = TwilioSignature.PublicBase(context.Request, auth.Options.PublicBaseUrl);
        var uri = TwilioSignature.ToWebSocket(baseUrl) + VonageStreamPath + "?token=" + Uri.EscapeDataString(token);
        var headers = new Dictionary<string, string>
        {
            ["from"] = context.Request.Query["from"].ToString(),
            ["uuid"] = context.Request.Query["uuid"].ToString(),
        };
        object[] ncco =
        [
            new
            {
                action = "connect",
                endpoint = new object[] { new Dictionary<string, object> { ["type"] = "websocket", ["uri"] = uri, ["content-type"] = "audio/l16;rate=16000", ["headers"] = headers } },
            },
        ];
        return Results.Json(ncco);
    }

    private static async Task StreamAsync(HttpContext context, CarrierSerializer carrier)
    {
        var services = context.RequestServices;
        var auth = services.GetRequiredService<PhoneCallAuth>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("VoiceAgent.Telephony");
        var keyTenant = auth.FromKey(context.Request.Query["token"].ToString());
        TenantId? upgradeTenant = keyTenant;
        if (carrier is TwilioSerializer && auth.TwilioAuthToken is { } authToken)
        {
            if (!TwilioSignature.IsValid(context.Request, authToken, auth.Options.PublicBaseUrl, form: null))
            {
                LogRefused(logger, context.Request.Path.Value ?? "", "bad X-Twilio-Signature");
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsync("Invalid X-Twilio-Signature.");
                return;
            }

            upgradeTenant ??= auth.SignedTenant;
        }
        else if (carrier is not TwilioSerializer && keyTenant is null)
        {
            // Telnyx and Vonage connect to the URL they were configured with: the key must be on it.
            LogRefused(logger, context.Request.Path.Value ?? "", "no valid ?token=");
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsync("Put ?token=<API key> on the stream URL.");
            return;
        }

        if (await WebSocketAdmission.AcceptAsync(context, "phone", liveCall: true) is not { } admitted)
        {
            return;
        }

        var (socket, lease) = admitted;
        using var owned = socket;
        using (lease)
        {
            using var scope = logger.BeginScope(new Dictionary<string, object> { ["CallId"] = lease.Id, ["Carrier"] = carrier.Name });
            var phone = new PhoneCallServices(
                services.GetRequiredService<ConversationPipelineFactory>(),
                services.GetRequiredService<IResamplerFactory>(),
                auth.Options,
                services.GetRequiredService<IOptions<VoiceCallOptions>>().Value,
                services.GetRequiredService<PipelineMetrics>(),
                services.GetRequiredService<TimeProvider>());

            // A key passed as a stream parameter (Twilio) names its own tenant; otherwise the one the upgrade proved.
            // A stream that only the upgrade's signature proved must also bring the call token its webhook answer gave
            // it, for this call sid and caller, once: the upgrade's signature is the same for every call.
            TenantId? TenantOf(CarrierStart start)
            {
                if (start.Parameters.TryGetValue("token", out var t) && auth.FromKey(t) is { } fromParameter)
                {
                    return fromParameter;
                }

                if (keyTenant is null && carrier is TwilioSerializer && auth.TwilioAuthToken is { } signing)
                {
                    start.Parameters.TryGetValue("callToken", out var callToken);
                    return auth.RedeemCallToken(signing, callToken, start.CallId, start.From ?? "") ? upgradeTenant : null;
                }

                return upgradeTenant;
            }

            var store = services.GetRequiredService<IConversationStore>();
            await new PhoneCallConnection(socket, lease, carrier, phone, store, TenantOf, logger).RunAsync(context.RequestAborted);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "VoiceAgent:Telephony:PublicBaseUrl is not set: Twilio signatures are checked over a URL built from each request's Host header, which the caller chooses. Set it to the address Twilio calls (required in Production).")]
    private static partial void LogHostTrusted(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Path}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string path, string reason);
}
