using System.Text.Json;
using Microsoft.Extensions.AI;

namespace VoiceAgent.Api.Protocol;

/// <summary>
/// The tool-calling parts of an OpenAI chat request: the client's own <c>tools</c> and <c>tool_choice</c>, assistant
/// messages' <c>tool_calls</c>, a tool message's <c>tool_call_id</c>, and Agora's <c>context</c>. Errors name the field.
/// </summary>
internal static class ChatToolJson
{
    private static readonly JsonElement NoParameters = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone();

    /// <summary>The client's function declarations: the model may call them, and the calls go back to the client.</summary>
    public static bool TryTools(JsonElement root, out List<AITool>? tools, out string error)
    {
        tools = null;
        error = "";
        if (!root.TryGetProperty("tools", out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            error = "'tools' must be an array.";
            return false;
        }

        tools = [];
        var i = 0;
        foreach (var t in array.EnumerateArray())
        {
            if (t.ValueKind != JsonValueKind.Object || !t.TryGetProperty("function", out var f) || f.ValueKind != JsonValueKind.Object ||
                !f.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(name.GetString()))
            {
                error = $"tools[{i}] must be {{\"type\":\"function\",\"function\":{{\"name\":…}}}}.";
                return false;
            }

            var description = f.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            var parameters = f.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object ? p.Clone() : NoParameters;
            tools.Add(AIFunctionFactory.CreateDeclaration(name.GetString()!, description, parameters));
            i++;
        }

        return true;
    }

    /// <summary><c>tool_choice</c>: "none", "auto", "required", or one named function.</summary>
    public static bool TryToolChoice(JsonElement root, out ChatToolMode? mode, out string error)
    {
        mode = null;
        error = "";
        if (!root.TryGetProperty("tool_choice", out var choice) || choice.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        mode = choice.ValueKind == JsonValueKind.String ? choice.GetString() switch
        {
            "none" => ChatToolMode.None,
            "auto" => ChatToolMode.Auto,
            "required" => ChatToolMode.RequireAny,
            _ => null,
        }
        : choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("function", out var f) && f.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
            ? ChatToolMode.RequireSpecific(n.GetString()!)
            : null;
        if (mode is null)
        {
            error = "'tool_choice' must be \"none\", \"auto\", \"required\" or {\"type\":\"function\",\"function\":{\"name\":…}}.";
            return false;
        }

        return true;
    }

    /// <summary>An assistant message's <c>tool_calls</c>, as function calls (arguments parsed from their JSON string).</summary>
    public static bool TryCalls(JsonElement message, int index, List<AIContent> contents, out string error)
    {
        error = "";
        if (!message.TryGetProperty("tool_calls", out var calls) || calls.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (calls.ValueKind != JsonValueKind.Array)
        {
            error = $"messages[{index}].tool_calls must be an array.";
            return false;
        }

        var j = 0;
        foreach (var c in calls.EnumerateArray())
        {
            var field = $"messages[{index}].tool_calls[{j++}]";
            if (c.ValueKind != JsonValueKind.Object || !c.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String ||
                !c.TryGetProperty("function", out var f) || f.ValueKind != JsonValueKind.Object ||
                !f.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            {
                error = $"{field} needs an id and a function with a name.";
                return false;
            }

            Dictionary<string, object?>? arguments = null;
            if (f.TryGetProperty("arguments", out var a) && a.ValueKind == JsonValueKind.String && a.GetString() is { Length: > 0 } json)
            {
                try
                {
                    using var doc = JsonDocument.Parse(json);
                    if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    {
                        throw new JsonException("not an object");
                    }

                    arguments = doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());
                }
                catch (JsonException)
                {
                    error = $"{field}.function.arguments must be a JSON object in a string.";
                    return false;
                }
            }

            contents.Add(new FunctionCallContent(id.GetString()!, name.GetString()!, arguments));
        }

        return true;
    }

    /// <summary>The call a tool message answers, when it names one.</summary>
    public static string? CallId(JsonElement message) =>
        message.TryGetProperty("tool_call_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;

    /// <summary>Agora's <c>context</c> object as compact JSON, non-ASCII escaped so that it fits in a request header.</summary>
    public static string? Context(JsonElement root) =>
        root.TryGetProperty("context", out var c) && c.ValueKind == JsonValueKind.Object ? JsonSerializer.Serialize(c) : null;
}
