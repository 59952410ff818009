using System.Text;

namespace VoiceAgent.Api.Tests.Reliability;

/// <summary>One generated request to <c>/audio/chat/completions</c>: body bytes, content type (null: none), whether a bearer is sent.</summary>
public sealed record FuzzBody(string Kind, byte[] Body, string? ContentType, bool Bearer);

/// <summary>Generates chat-completions bodies from a seed: valid ones, and the mutations of the voice-call fuzzer plus raw invalid UTF-8.</summary>
public sealed class BodyFuzzer(int seed, int maxBodyBytes)
{
    private static readonly string[] Fields = ["messages", "messages[0]", "role", "content", "stream", "modalities", "audio", "audio.voice", "audio.format", "model", "temperature", "top_p", "max_tokens"];
    private static readonly string[] Values =
    [
        "42", "-1", "0", "3.5", "1e400", "-1e400", "123456789012345678901234567890", "true", "false", "null",
        "[]", "[1,\"x\"]", "{}", "{\"x\":1}", "\"text\"", "\"\"", "\"\\ud800\"", "[{\"type\":\"text\",\"text\":7}]", "[\"text\",\"video\"]",
    ];

    private static readonly string JsonChars = "{}[]:,\"\\ aeltrufns0123456789-+.E";
    private readonly Random _rng = new(seed);

    public FuzzBody Next() => _rng.Next(100) switch
    {
        < 4 => Json("valid", Valid()),
        < 6 => new("no-bearer", Encoding.UTF8.GetBytes(Valid()), "application/json", false),
        < 16 => Json("truncated", Truncate(Valid())),
        < 30 => Json("corrupted", Corrupt(Valid())),
        < 36 => Json("random-unicode", RandomText()),
        < 42 => new("random-bytes", RandomBytes(_rng.Next(0, 400)), "application/json", true),
        < 46 => Json("deep-nesting", DeepNesting()),
        < 49 => Json("huge-string", $"{{\"messages\":[{{\"role\":\"user\",\"content\":\"hi\"}}],\"metadata\":\"{new string('x', _rng.Next(1000, maxBodyBytes - 200))}\",\"stream\":{Pick("true", "false", "null\"")}}}"),
        < 51 => Json("too-large", $"{{\"messages\":[{{\"role\":\"user\",\"content\":\"{new string('x', maxBodyBytes + _rng.Next(1, 10_000))}\"}}]}}"),
        < 71 => Json("wrong-type", WrongType()),
        < 74 => Json("nan-infinity", $"{{\"messages\":[{{\"role\":\"user\",\"content\":\"hi\"}}],\"temperature\":{Pick("NaN", "Infinity", "-Infinity", "nan", "01", ".5", "1.")}}}"),
        < 78 => Json("lone-surrogate", Pick(
            "{\"messages\":[{\"role\":\"\\ud800\",\"content\":\"hi\"}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\\udfff\"}],\"stream\":true}",
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"\\ud83d\"}]}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"model\":\"\\udc00\"}",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"audio\":{\"voice\":\"\\ud800\"}}")),
        < 82 => new("invalid-utf8-string", [.. Encoding.UTF8.GetBytes("{\"messages\":[{\"role\":\"user\",\"content\":\"h"), 0xFF, 0xC3, .. Encoding.UTF8.GetBytes("\"}],\"stream\":true}")], "application/json", true),
        < 86 => Json("not-an-object", Pick("[]", "1", "\"x\"", "null", "true", "[{\"messages\":[]}]")),
        < 90 => Json("empty-or-blank", Pick("", " ", "\n\t")),
        _ => new("content-type", Encoding.UTF8.GetBytes(_rng.Next(3) == 0 ? "not json at all" : Valid()), PickOrNull("text/plain", "application/octet-stream", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "application/json; charset=latin1", null), true),
    };

    private FuzzBody Json(string kind, string body) => new(kind, Encoding.UTF8.GetBytes(body), "application/json", true);

    private string Valid() => _rng.Next(5) switch
    {
        // Few real LLM+TTS replies: each costs real synthesis time.
        0 => "{\"messages\":[{\"role\":\"user\",\"content\":\"what is two plus two\"}],\"stream\":true,\"modalities\":[\"text\"]}",
        1 => "{\"messages\":[{\"role\":\"assistant\",\"content\":\"Hello there.\"}],\"stream\":true,\"turn_id\":3,\"metadata\":{\"a\":1}}",
        2 => "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}],\"stream\":false,\"modalities\":[\"text\"],\"temperature\":0.5,\"top_p\":1,\"max_tokens\":20}",
        3 => "{\"messages\":[{\"role\":\"user\",\"content\":\"hello\"},{\"role\":\"assistant\",\"audio\":{\"id\":\"a\",\"transcript\":\"Hi.\"}},{\"role\":\"assistant\",\"content\":\"Hello there.\"}],\"stream\":false}",
        _ => "{\"messages\":[{\"role\":\"assistant\",\"content\":\"Hello there.\"}],\"stream\":true,\"audio\":{\"voice\":\"no-such-voice\",\"format\":\"pcm16\"}}",
    };

    private string WrongType()
    {
        var field = Fields[_rng.Next(Fields.Length)];
        var v = Values[_rng.Next(Values.Length)];
        return field switch
        {
            "messages" => $"{{\"messages\":{v}}}",
            "messages[0]" => $"{{\"messages\":[{v}]}}",
            "role" => $"{{\"messages\":[{{\"role\":{v},\"content\":\"hi\"}}]}}",
            "content" => $"{{\"messages\":[{{\"role\":\"user\",\"content\":{v}}}],\"modalities\":[\"text\"]}}",
            "audio.voice" => $"{{\"messages\":[{{\"role\":\"assistant\",\"content\":\"Hello there.\"}}],\"audio\":{{\"voice\":{v}}}}}",
            "audio.format" => $"{{\"messages\":[{{\"role\":\"assistant\",\"content\":\"Hello there.\"}}],\"audio\":{{\"format\":{v}}}}}",
            _ => $"{{\"messages\":[{{\"role\":\"assistant\",\"content\":\"Hello there.\"}}],\"{field}\":{v}}}",
        };
    }

    private string Truncate(string s) => s[.._rng.Next(0, s.Length)];

    private string Corrupt(string s)
    {
        var sb = new StringBuilder(s);
        for (var e = _rng.Next(1, 4); e > 0 && sb.Length > 0; e--)
        {
            var at = _rng.Next(sb.Length);
            var c = JsonChars[_rng.Next(JsonChars.Length)];
            switch (_rng.Next(3))
            {
                case 0: sb[at] = c; break;
                case 1: sb.Insert(at, c); break;
                default: sb.Remove(at, 1); break;
            }
        }

        return sb.ToString();
    }

    private string RandomText()
    {
        var sb = new StringBuilder();
        for (var n = _rng.Next(0, 200); n > 0; n--)
        {
            sb.Append(_rng.Next(3) == 0 ? JsonChars[_rng.Next(JsonChars.Length)] : (char)_rng.Next(0x20, 0x9FFF));
        }

        return sb.ToString().Replace('\uD800', 'x');
    }

    private byte[] RandomBytes(int n)
    {
        var b = new byte[n];
        _rng.NextBytes(b);
        return b;
    }

    private string DeepNesting()
    {
        var depth = _rng.Next(2) == 0 ? _rng.Next(60, 70) : _rng.Next(1000, 50_000);
        return _rng.Next(2) == 0
            ? "{\"messages\":" + new string('[', depth) + new string(']', depth) + "}"
            : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
    }

    private string Pick(params string[] options) => options[_rng.Next(options.Length)];

    private string? PickOrNull(params string?[] options) => options[_rng.Next(options.Length)];
}
