using System.Text.Json;

namespace VoiceAgent.Providers.DashScope;

/// <summary>
/// One server event: <c>header.event</c> (task-started, result-generated, task-finished, task-failed), its task id, the
/// error of a failed task, and <c>payload.output</c> (CosyVoice's sentence events, Paraformer's sentences).
/// </summary>
internal sealed record DashScopeEvent(string Event, string? TaskId, string? ErrorCode, string? ErrorMessage, JsonElement Output)
{
    public const string TaskStarted = "task-started";
    public const string ResultGenerated = "result-generated";
    public const string TaskFinished = "task-finished";
    public const string TaskFailed = "task-failed";

    /// <summary>CosyVoice's <c>payload.output.type</c>: sentence-begin, sentence-synthesis or sentence-end.</summary>
    public string? OutputType => Str(Output, "type");

    /// <summary>CosyVoice's <c>payload.output.original_text</c> on sentence-begin/end.</summary>
    public string? OriginalText => Str(Output, "original_text");

    public JsonElement Sentence => Output.ValueKind == JsonValueKind.Object && Output.TryGetProperty("sentence", out var s) && s.ValueKind == JsonValueKind.Object ? s : default;

    /// <summary>Parses a text frame; throws <see cref="InvalidDataException"/> for anything that is not a DashScope event.</summary>
    public static DashScopeEvent Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("header", out var header) || header.ValueKind != JsonValueKind.Object
                || Str(header, "event") is not { } name)
            {
                throw new InvalidDataException("A DashScope server message without header.event.");
            }

            var output = root.TryGetProperty("payload", out var payload) && payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("output", out var o)
                ? o.Clone()
                : default;
            return new DashScopeEvent(name, Str(header, "task_id"), Str(header, "error_code"), Str(header, "error_message"), output);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("A DashScope server message that is not JSON.", ex);
        }
    }

    public static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static long? Num(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;

    public static bool Bool(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
}
