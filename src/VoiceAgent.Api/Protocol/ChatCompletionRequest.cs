using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace VoiceAgent.Api.Protocol;

/// <summary>
/// The fields of an OpenAI chat-completions body that the service reads (PROTOCOLS.md §1 and §3). Parsing is by hand
/// so that every malformed field gets a 400 that names it, and unknown fields (Agora's turn_id, metadata…) are ignored.
/// </summary>
public sealed record ChatCompletionRequest(
    IReadOnlyList<ChatMessage> Messages,
    bool Stream,
    bool WithAudio,
    string? Voice,
    string? Model,
    float? Temperature,
    float? TopP,
    int? MaxTokens)
{
    public ChatRole LastRole => Messages[^1].Role;

    /// <summary>The client's own tools (OpenAI semantics: their calls are returned to it), or null.</summary>
    public IReadOnlyList<AITool>? Tools { get; init; }

    public ChatToolMode? ToolMode { get; init; }

    /// <summary>Agora's <c>context</c> object as compact JSON, passed on to HTTP tools.</summary>
    public string? Context { get; init; }

    public ChatOptions ToChatOptions() => new()
    {
        ModelId = Model, Temperature = Temperature, TopP = TopP, MaxOutputTokens = MaxTokens, Tools = Tools is null ? null : [.. Tools], ToolMode = ToolMode,
    };

    /// <summary>Parses a request body; on failure <paramref name="error"/> says what is wrong, for a 400.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, bool audioByDefault, out ChatCompletionRequest? request, out string error)
    {
        request = null;
        try
        {
            using var doc = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
            return TryParse(doc.RootElement, audioByDefault, out request, out error);
        }
        catch (JsonException ex)
        {
            error = $"The body is not valid JSON: {ex.Message}";
            return false;
        }
        catch (InvalidOperationException)
        {
            // GetString throws on a string that is well-formed JSON but not text: invalid UTF-8 or a lone surrogate escape.
            error = "The body holds a string that is not valid Unicode (invalid UTF-8 or a lone surrogate escape).";
            return false;
        }
    }

    private static bool TryParse(JsonElement root, bool audioByDefault, out ChatCompletionRequest? request, out string error)
    {
        request = null;
        error = "";
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "The body must be a JSON object.";
            return false;
        }

        if (!root.TryGetProperty("messages", out var messagesJson) || messagesJson.ValueKind != JsonValueKind.Array || messagesJson.GetArrayLength() == 0)
        {
            error = "'messages' is required and must be a non-empty array.";
            return false;
        }

        var messages = new List<ChatMessage>();
        var i = 0;
        foreach (var m in messagesJson.EnumerateArray())
        {
            if (!TryParseMessage(m, i++, out var message, out error))
            {
                return false;
            }

            messages.Add(message!);
        }

        if (!TryBool(root, "stream", false, out var stream, out error) ||
            !TryModalities(root, audioByDefault, out var withAudio, out error) ||
            !TryString(root, "model", out var model, out error) ||
            !TryNumber(root, "temperature", 0, 2, out var temperature, out error) ||
            !TryNumber(root, "top_p", 0, 1, out var topP, out error) ||
            !TryInt(root, "max_completion_tokens", out var maxTokens, out error) ||
            (maxTokens is null && !TryInt(root, "max_tokens", out maxTokens, out error)))
        {
            return false;
        }

        string? voice = null;
        if (root.TryGetProperty("audio", out var audio) && audio.ValueKind != JsonValueKind.Null)
        {
            if (audio.ValueKind != JsonValueKind.Object || !TryString(audio, "voice", out voice, out error) || !TryString(audio, "format", out var format, out error))
            {
                error = error.Length > 0 ? $"audio.{error}" : "'audio' must be an object.";
                return false;
            }

            if (format is not null && format is not ("pcm16" or "pcm"))
            {
                error = $"audio.format '{format}' is not supported: use pcm16.";
                return false;
            }
        }

        if (!ChatToolJson.TryTools(root, out var tools, out error) || !ChatToolJson.TryToolChoice(root, out var toolMode, out error))
        {
            return false;
        }

        request = new ChatCompletionRequest(messages, stream, withAudio, voice, model, (float?)temperature, (float?)topP, maxTokens)
        {
            Tools = tools,
            ToolMode = toolMode,
            Context = ChatToolJson.Context(root),
        };
        return true;
    }

    private static bool TryParseMessage(JsonElement m, int index, out ChatMessage? message, out string error)
    {
        message = null;
        error = "";
        if (m.ValueKind != JsonValueKind.Object)
        {
            error = $"messages[{index}] must be an object.";
            return false;
        }

        var role = m.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        ChatRole? chatRole = role switch
        {
            "system" or "developer" => ChatRole.System,
            "user" => ChatRole.User,
            "assistant" => ChatRole.Assistant,
            "tool" => ChatRole.Tool,
            _ => null,
        };
        if (chatRole is null)
        {
            error = role is null ? $"messages[{index}].role is required." : $"messages[{index}].role '{role}' is unknown: use system, user, assistant or tool.";
            return false;
        }

        if (!TryContent(m, index, out var text, out error))
        {
            return false;
        }

        // An earlier assistant turn spoken by the audio modality carries its words as audio.transcript.
        if (text is null && m.TryGetProperty("audio", out var audio) && audio.ValueKind == JsonValueKind.Object &&
            audio.TryGetProperty("transcript", out var transcript) && transcript.ValueKind == JsonValueKind.String)
        {
            text = transcript.GetString();
        }

        // Tool calling, OpenAI style: the assistant's calls and the results that answer them by id.
        List<AIContent> contents = [];
        if (chatRole == ChatRole.Tool && ChatToolJson.CallId(m) is { } callId)
        {
            contents.Add(new FunctionResultContent(callId, text ?? ""));
        }
        else if (!string.IsNullOrEmpty(text))
        {
            contents.Add(new TextContent(text));
        }

        if (chatRole == ChatRole.Assistant && !ChatToolJson.TryCalls(m, index, contents, out error))
        {
            return false;
        }

        message = contents.Count == 0 ? new ChatMessage(chatRole.Value, "") : new ChatMessage(chatRole.Value, contents);
        return true;
    }

    private static bool TryContent(JsonElement m, int index, out string? text, out string error)
    {
        text = null;
        error = "";
        if (!m.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            text = content.GetString();
            return true;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            error = $"messages[{index}].content must be a string or an array of parts.";
            return false;
        }

        var sb = new StringBuilder();
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object)
            {
                error = $"messages[{index}].content parts must be objects.";
                return false;
            }

            if (part.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "text" &&
                part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
            {
                sb.Append(t.GetString());
            }
        }

        text = sb.ToString();
        return true;
    }

    private static bool TryModalities(JsonElement root, bool audioByDefault, out bool withAudio, out string error)
    {
        withAudio = audioByDefault;
        error = "";
        if (!root.TryGetProperty("modalities", out var modalities) || modalities.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (modalities.ValueKind != JsonValueKind.Array || modalities.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String))
        {
            error = "'modalities' must be an array of strings.";
            return false;
        }

        var values = modalities.EnumerateArray().Select(x => x.GetString()).ToList();
        if (values.Any(v => v is not ("text" or "audio")))
        {
            error = "'modalities' may only contain \"text\" and \"audio\".";
            return false;
        }

        withAudio = values.Contains("audio");
        return true;
    }

    private static bool TryBool(JsonElement root, string name, bool fallback, out bool value, out string error)
    {
        value = fallback;
        error = "";
        if (!root.TryGetProperty(name, out var p) || p.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (p.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            value = p.GetBoolean();
            return true;
        }

        error = $"'{name}' must be true or false.";
        return false;
    }

    private static bool TryString(JsonElement root, string name, out string? value, out string error)
    {
        value = null;
        error = "";
        if (!root.TryGetProperty(name, out var p) || p.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (p.ValueKind == JsonValueKind.String)
        {
            value = p.GetString();
            return true;
        }

        error = $"'{name}' must be a string.";
        return false;
    }

    private static bool TryNumber(JsonElement root, string name, double min, double max, out double? value, out string error)
    {
        value = null;
        error = "";
        if (!root.TryGetProperty(name, out var p) || p.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (p.ValueKind == JsonValueKind.Number && p.TryGetDouble(out var d) && d >= min && d <= max)
        {
            value = d;
            return true;
        }

        error = $"'{name}' must be a number from {min} to {max}.";
        return false;
    }

    private static bool TryInt(JsonElement root, string name, out int? value, out string error)
    {
        value = null;
        error = "";
        if (!root.TryGetProperty(name, out var p) || p.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out var n) && n > 0)
        {
            value = n;
            return true;
        }

        error = $"'{name}' must be a positive integer.";
        return false;
    }
}
