using System.Text.Json;

namespace VoiceAgent.Api.Protocol;

/// <summary>The body of <c>POST /v1/audio/speech</c>, as OpenAI documents it.</summary>
internal sealed record SpeechRequest(string Input, string? Voice, string ResponseFormat, float? Speed)
{
    /// <summary>The longest text one request may synthesise (OpenAI's limit too).</summary>
    public const int MaxInputChars = 4096;

    /// <summary>OpenAI's formats; <c>mp3</c> is its default.</summary>
    public static readonly string[] Formats = ["mp3", "opus", "aac", "flac", "wav", "pcm"];

    public static bool TryParse(byte[] body, out SpeechRequest? request, out string error)
    {
        request = null;
        error = "";
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "The body must be a JSON object.";
                return false;
            }

            if (!root.TryGetProperty("input", out var input) || input.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(input.GetString()))
            {
                error = "'input' is required and must be a non-empty string.";
                return false;
            }

            if (input.GetString()!.Length > MaxInputChars)
            {
                error = $"'input' may be at most {MaxInputChars} characters.";
                return false;
            }

            string? voice = null;
            if (root.TryGetProperty("voice", out var v) && v.ValueKind != JsonValueKind.Null)
            {
                // Newer OpenAI clients may send a custom voice as {"id": "..."}.
                voice = v.ValueKind == JsonValueKind.String ? v.GetString()
                    : v.ValueKind == JsonValueKind.Object && v.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString()
                    : null;
                if (string.IsNullOrWhiteSpace(voice))
                {
                    error = "'voice' must be a voice name.";
                    return false;
                }
            }

            var format = root.TryGetProperty("response_format", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()!.ToLowerInvariant() : "mp3";
            if (!Formats.Contains(format))
            {
                error = $"response_format '{format}' is not supported: use one of {string.Join(", ", Formats)}.";
                return false;
            }

            // OpenAI's stream_format: "audio" (the bytes, which is what this endpoint always sends) or "sse".
            if (root.TryGetProperty("stream_format", out var sf) && sf.ValueKind == JsonValueKind.String && sf.GetString() != "audio")
            {
                error = $"stream_format '{sf.GetString()}' is not supported: only 'audio' (the audio bytes, streamed as they are made).";
                return false;
            }

            float? speed = null;
            if (root.TryGetProperty("speed", out var s) && s.ValueKind != JsonValueKind.Null)
            {
                if (s.ValueKind != JsonValueKind.Number || !s.TryGetDouble(out var d) || d < 0.25 || d > 4)
                {
                    error = "'speed' must be a number from 0.25 to 4.0.";
                    return false;
                }

                speed = (float)d;
            }

            request = new SpeechRequest(input.GetString()!, voice, format, speed);
            return true;
        }
        catch (JsonException ex)
        {
            error = $"The body is not valid JSON: {ex.Message}";
            return false;
        }
    }
}
