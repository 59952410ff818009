using System.Buffers;
using System.Text.Json;

namespace VoiceAgent.Api.Telephony;

/// <summary>The JSON plumbing the carriers' serializers share: reading fields leniently and writing small messages.</summary>
internal static class CarrierJson
{
    /// <summary>The message as a JSON object, or the reason it is not one.</summary>
    public static JsonDocument? ParseObject(ReadOnlySpan<byte> message, out string? error)
    {
        error = null;
        try
        {
            var reader = new Utf8JsonReader(message);
            var doc = JsonDocument.ParseValue(ref reader);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                doc.Dispose();
                error = "the message is not a JSON object";
                return null;
            }

            return doc;
        }
        catch (JsonException ex)
        {
            error = $"malformed JSON ({ex.Message})";
            return null;
        }
    }

    public static string? String(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        } : null;

    public static JsonElement Object(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : default;

    /// <summary>A number sent as a number or as a numeric string (Twilio and Telnyx send chunk numbers as strings).</summary>
    public static long? Number(JsonElement parent, string name) =>
        long.TryParse(String(parent, name), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>Decodes base64 audio, or null when it is not base64.</summary>
    public static byte[]? Base64(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var bytes = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, bytes, out var written) ? bytes[..written] : null;
    }

    public static IReadOnlyDictionary<string, string> StringMap(JsonElement obj)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (obj.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in obj.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.String)
                {
                    map[p.Name] = p.Value.GetString()!;
                }
            }
        }

        return map;
    }

    /// <summary>Writes one JSON message with <paramref name="write"/> filling the object's fields.</summary>
    public static byte[] Write<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer, state);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
