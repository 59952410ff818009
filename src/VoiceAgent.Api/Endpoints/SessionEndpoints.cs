using System.Text.Json;
using Microsoft.Extensions.Options;
using VoiceAgent.Api.Auth;
using VoiceAgent.Api.Hosting;
using VoiceAgent.Api.Protocol;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Api.Endpoints;

/// <summary>
/// <c>/sessions</c> (§4): create with per-session prompt, LLM and TTS settings; read with history; delete. Each acts on
/// the caller's own sessions only: another key's session of the same id is 404, as if it did not exist.
/// </summary>
public static class SessionEndpoints
{
    public static IEndpointRouteBuilder MapSessionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/sessions").RequireApiKey().RequireRateLimiting(RateLimits.Requests);
        group.MapPost("", CreateAsync);
        group.MapGet("/{id}", GetAsync);
        group.MapDelete("/{id}", DeleteAsync);
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpContext context, IConversationStore store, IOptions<HttpApiOptions> http)
    {
        var body = await RequestBody.ReadAsync(context.Request, http.Value.MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            return OpenAIError.Result(413, "The request body is too large.", "invalid_request_error", "body_too_large");
        }

        if (!TryParse(body, out var id, out var settings, out var error))
        {
            return OpenAIError.BadRequest(error);
        }

        try
        {
            var created = await OwnStore(context, store).CreateAsync(id, settings!, context.RequestAborted);
            return Results.Json(new { session_id = created.SessionId }, ApiJson.Options, statusCode: 201);
        }
        catch (SessionExistsException ex)
        {
            return OpenAIError.Result(409, ex.Message, "invalid_request_error", "session_exists");
        }
        catch (ArgumentException ex)
        {
            return OpenAIError.BadRequest(ex.Message);
        }
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, IConversationStore store, CancellationToken ct)
    {
        StoredSession? session;
        try
        {
            session = await OwnStore(context, store).GetAsync(id, ct);
        }
        catch (ArgumentException ex)
        {
            return OpenAIError.BadRequest(ex.Message);
        }

        if (session is null)
        {
            return OpenAIError.Result(404, $"No session '{id}'.", "invalid_request_error", "session_not_found");
        }

        var s = session.Settings;
        return Results.Json(
            new
            {
                session_id = session.SessionId,
                system_prompt = s.SystemPrompt,
                messages = session.Messages.Select(m => new { role = m.Role, content = m.Text, created_at = m.CreatedAt, interrupted = m.Interrupted ? true : (bool?)null }),
                llm = new { model = s.Llm?.Model, temperature = s.Llm?.Temperature, top_p = s.Llm?.TopP },
                tts = new { voice = s.Tts?.Voice, language = s.Tts?.Language, speed = s.Tts?.Speed },
                tools = s.Tools,
                created_at = session.CreatedAt,
            },
            ApiJson.Options);
    }

    private static async Task<IResult> DeleteAsync(string id, HttpContext context, IConversationStore store, CancellationToken ct)
    {
        try
        {
            return await OwnStore(context, store).DeleteAsync(id, ct) ? Results.NoContent() : OpenAIError.Result(404, $"No session '{id}'.", "invalid_request_error", "session_not_found");
        }
        catch (ArgumentException ex)
        {
            return OpenAIError.BadRequest(ex.Message);
        }
    }

    private static IConversationStore OwnStore(HttpContext context, IConversationStore store) => store.ForTenant(ApiCaller.Of(context).Tenant);

    private static bool TryParse(byte[] body, out string? id, out SessionSettings? settings, out string error)
    {
        id = null;
        settings = null;
        error = "";
        try
        {
            using var doc = JsonDocument.Parse(body.Length == 0 ? "{}"u8.ToArray() : body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "The body must be a JSON object.";
                return false;
            }

            id = Str(root, "session_id");
            var prompt = Str(root, "system_prompt");
            LlmSettings? llm = null;
            TtsSettings? tts = null;
            if (root.TryGetProperty("llm", out var l) && l.ValueKind == JsonValueKind.Object)
            {
                llm = new LlmSettings(Str(l, "model"), Num(l, "temperature", 0, 2), Num(l, "top_p", 0, 1));
            }

            if (root.TryGetProperty("tts", out var t) && t.ValueKind == JsonValueKind.Object)
            {
                tts = new TtsSettings(Str(t, "voice"), Str(t, "language"), Num(t, "speed", 0.25, 4));
            }

            settings = new SessionSettings(prompt, llm, tts) { Tools = Names(root, "tools") };
            return true;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            error = ex is JsonException ? $"The body is not valid JSON: {ex.Message}" : ex.Message;
            return false;
        }
    }

    private static string? Str(JsonElement e, string name) =>
        !e.TryGetProperty(name, out var p) || p.ValueKind == JsonValueKind.Null ? null
        : p.ValueKind == JsonValueKind.String ? p.GetString()
        : throw new FormatException($"'{name}' must be a string.");

    // The configured tools a session may use; absent means all of them, [] none.
    private static List<string>? Names(JsonElement e, string name) =>
        !e.TryGetProperty(name, out var p) || p.ValueKind == JsonValueKind.Null ? null
        : p.ValueKind == JsonValueKind.Array && p.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String) ? [.. p.EnumerateArray().Select(x => x.GetString()!)]
        : throw new FormatException($"'{name}' must be an array of tool names.");

    private static float? Num(JsonElement e, string name, double min, double max) =>
        !e.TryGetProperty(name, out var p) || p.ValueKind == JsonValueKind.Null ? null
        : p.ValueKind == JsonValueKind.Number && p.GetDouble() is var d && d >= min && d <= max ? (float)d
        : throw new FormatException($"'{name}' must be a number from {min} to {max}.");
}
