using VoiceAgent.Api.Auth;
using VoiceAgent.Api.Hosting;

namespace VoiceAgent.Api.Endpoints;

/// <summary>Maps the chat-completions endpoints: the Agora audio modality (§1) and the OpenAI-compatible text one (§3).</summary>
public static class ChatEndpoints
{
    public static IEndpointRouteBuilder MapChatEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/audio/chat/completions", (HttpContext context, ChatCompletionHandler handler) => handler.HandleAsync(context, audioByDefault: true))
            .RequireApiKey().RequireRateLimiting(RateLimits.Requests);
        app.MapPost("/v1/chat/completions", (HttpContext context, ChatCompletionHandler handler) => handler.HandleAsync(context, audioByDefault: false))
            .RequireApiKey().RequireRateLimiting(RateLimits.Requests);
        return app;
    }
}
