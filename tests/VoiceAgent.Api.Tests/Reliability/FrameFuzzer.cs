using System.Text;

namespace VoiceAgent.Api.Tests.Reliability;

/// <summary>One generated client message: text (always valid UTF-8, so the WebSocket layer passes it on) or binary.</summary>
public sealed record FuzzFrame(string Kind, byte[] Data, bool Binary);

/// <summary>
/// Generates voice-call client frames from a seed: valid audio and heartbeats, and every kind of bad frame §2 names
/// (malformed, truncated, corrupted, deeply nested, wrong-typed, bad base64, odd PCM, oversized audio, foreign session).
/// </summary>
public sealed class FrameFuzzer(int seed, string sessionId)
{
    private static readonly string[] Fields = ["audio", "meta_info", "meta_info.session_id", "meta_info.encoding", "is_close"];
    private static readonly string[] WrongValues =
    [
        "42", "-1", "0", "-0", "3.14159", "1e400", "-1e400", "123456789012345678901234567890", "true", "false",
        "[]", "[1,2,3]", "{}", "{\"x\":1}", "\"text\"", "\"\"", "[[[[]]]]", "{\"a\":{\"b\":[null]}}",
    ];

    private static readonly string JsonChars = "{}[]:,\"\\ aeltrufns0123456789-+.E=/";
    private readonly Random _rng = new(seed);

    public FuzzFrame Next() => _rng.Next(100) switch
    {
        < 10 => Text("valid-audio", ValidAudioFrame()),
        < 14 => Text("heartbeat", Heartbeat()),
        < 20 => Binary("binary-audio", Pcm(_rng.Next(0, 321) * 2)),
        < 24 => Binary("binary-odd", Pcm(_rng.Next(0, 1000) * 2 + 1)),
        < 25 => Binary("binary-too-big", new byte[32_002 + _rng.Next(0, 4000) * 2]),
        < 31 => Text("random-unicode", RandomUnicode(_rng.Next(0, 200))),
        < 35 => Text("random-bytes", Encoding.Latin1.GetString(RandomBytes(_rng.Next(0, 300)))),
        < 43 => Text("truncated", Truncate(ValidAudioFrame())),
        < 55 => Text("corrupted", Corrupt(_rng.Next(2) == 0 ? ValidAudioFrame() : Heartbeat())),
        < 58 => Text("deep-nesting", DeepNesting()),
        < 61 => Text("huge-string", HugeString()),
        < 73 => Text("wrong-type", WrongType()),
        < 78 => Text("bad-base64", AudioFrame(BadBase64())),
        < 80 => Text("nan-infinity", NanOrInfinity()),
        < 82 => Text("bad-encoding", $"{{\"audio\":\"AAAA\",\"meta_info\":{{\"session_id\":\"{sessionId}\",\"encoding\":\"{Pick("opus", "mp3", "pcm", "RAWX", "")}\"}}}}"),
        < 85 => Text("bad-pcm-length", AudioFrame(Convert.ToBase64String(new byte[_rng.Next(2) == 0 ? _rng.Next(0, 500) * 2 + 1 : 32_002 + _rng.Next(0, 100) * 2]))),
        < 87 => Text("foreign-session", $"{{\"audio\":\"AAAA\",\"meta_info\":{{\"session_id\":\"other-{_rng.Next(1000)}\"}}}}"),
        < 89 => Text("lone-surrogate", LoneSurrogate()),
        < 92 => Text("trailing-content", Heartbeat() + Pick("x", "{}", " [1]", ",", " null", "}")),
        < 96 => Text("not-an-object", Pick("[]", "[1,2]", "\"audio\"", "1", "-1e9", "null", "true", "false", "[{\"audio\":\"AAAA\"}]")),
        _ => Text("empty-or-blank", Pick("", " ", "\n", "\t\r\n ")),
    };

    private FuzzFrame Text(string kind, string text) => new(kind, Encoding.UTF8.GetBytes(text), false);

    private static FuzzFrame Binary(string kind, byte[] data) => new(kind, data, true);

    private string ValidAudioFrame() => _rng.Next(3) switch
    {
        0 => AudioFrame(Convert.ToBase64String(Pcm(_rng.Next(0, 321) * 2))),
        1 => $"{{\"audio\":\"{Convert.ToBase64String(Pcm(_rng.Next(0, 321) * 2))}\"}}",
        _ => $"{{\"is_close\":false,\"extra\":{{\"n\":{_rng.NextDouble()}}},\"audio\":\"{Convert.ToBase64String(Pcm(_rng.Next(0, 161) * 2))}\",\"meta_info\":{{\"encoding\":\"RAW\",\"session_id\":\"{sessionId}\"}}}}",
    };

    private string AudioFrame(string base64) => $"{{\"audio\":\"{base64}\",\"meta_info\":{{\"session_id\":\"{sessionId}\",\"encoding\":\"raw\"}},\"is_close\":false}}";

    private string Heartbeat() => Pick(
        "{}",
        $"{{\"meta_info\":{{\"session_id\":\"{sessionId}\"}}}}",
        "{\"meta_info\":null,\"audio\":null,\"is_close\":null}",
        $"{{\"meta_info\":{{\"session_id\":\"{sessionId}\",\"encoding\":\"opus\"}},\"is_close\":false}}",
        "{\"turn_id\":7,\"metadata\":{\"a\":[1,2,{\"b\":\"c\"}]}}");

    /// <summary>PCM16: mostly silence, sometimes quiet noise; never loud, so the fuzz does not become a speech benchmark.</summary>
    private byte[] Pcm(int length)
    {
        var pcm = new byte[length];
        if (_rng.Next(10) == 0)
        {
            for (var i = 0; i + 1 < length; i += 2)
            {
                var sample = (short)_rng.Next(-200, 200);
                pcm[i] = (byte)sample;
                pcm[i + 1] = (byte)(sample >> 8);
            }
        }

        if ((length & 1) == 1)
        {
            pcm[^1] = (byte)_rng.Next(256);
        }

        return pcm;
    }

    private byte[] RandomBytes(int n)
    {
        var b = new byte[n];
        _rng.NextBytes(b);
        return b;
    }

    private string RandomUnicode(int n)
    {
        var sb = new StringBuilder(n);
        for (var i = 0; i < n; i++)
        {
            sb.Append(_rng.Next(5) switch
            {
                0 => JsonChars[_rng.Next(JsonChars.Length)].ToString(),
                1 => ((char)_rng.Next(0x20, 0x7F)).ToString(),
                2 => ((char)_rng.Next(0, 0x20)).ToString(),
                3 => ((char)_rng.Next(0x4E00, 0x9FFF)).ToString(),
                _ => char.ConvertFromUtf32(_rng.Next(0x1F600, 0x1F650)),
            });
        }

        return sb.ToString();
    }

    private string Truncate(string frame) => frame[.._rng.Next(0, frame.Length)];

    private string Corrupt(string frame)
    {
        var chars = new StringBuilder(frame);
        var edits = _rng.Next(1, 4);
        for (var e = 0; e < edits && chars.Length > 0; e++)
        {
            var at = _rng.Next(chars.Length);
            var c = JsonChars[_rng.Next(JsonChars.Length)];
            switch (_rng.Next(3))
            {
                case 0:
                    chars[at] = c;
                    break;
                case 1:
                    chars.Insert(at, c);
                    break;
                default:
                    chars.Remove(at, 1);
                    break;
            }
        }

        return chars.ToString();
    }

    private string DeepNesting()
    {
        var depth = _rng.Next(4) != 0 ? _rng.Next(17, 200) : _rng.Next(1000, 15_000);
        return _rng.Next(3) switch
        {
            0 => new string('[', depth) + new string(']', depth),
            1 => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth),
            _ => "{\"meta_info\":" + string.Concat(Enumerable.Repeat("{\"x\":", depth)) + "null" + new string('}', depth) + "}",
        };
    }

    private string HugeString()
    {
        var n = _rng.Next(3) == 0 ? _rng.Next(10_000, 100_000) : _rng.Next(1000, 10_000);
        return _rng.Next(3) switch
        {
            0 => $"{{\"padding\":\"{new string('x', n)}\"}}", // valid: unknown fields are ignored
            1 => $"{{\"meta_info\":{{\"session_id\":\"{new string('s', n)}\"}}}}", // another (invalid) session id
            _ => AudioFrame(new string('A', 43_000 + _rng.Next(0, _rng.Next(3) == 0 ? 19_000 : 100) * 4)), // over 1 s of audio, under the 128 KB message limit: 413
        };
    }

    private string WrongType()
    {
        var field = Fields[_rng.Next(Fields.Length)];
        string value;
        do
        {
            value = WrongValues[_rng.Next(WrongValues.Length)];
        }
        while ((field == "is_close" && value is "true" or "false") || (field != "is_close" && field != "meta_info" && value.StartsWith('"')) || (field == "meta_info" && value.StartsWith('{')));

        return field switch
        {
            "audio" => $"{{\"audio\":{value},\"meta_info\":{{\"session_id\":\"{sessionId}\"}}}}",
            "meta_info" => $"{{\"audio\":\"AAAA\",\"meta_info\":{value}}}",
            "meta_info.session_id" => $"{{\"audio\":\"AAAA\",\"meta_info\":{{\"session_id\":{value},\"encoding\":\"raw\"}}}}",
            "meta_info.encoding" => $"{{\"audio\":\"AAAA\",\"meta_info\":{{\"session_id\":\"{sessionId}\",\"encoding\":{value}}}}}",
            _ => $"{{\"audio\":\"AAAA\",\"meta_info\":{{\"session_id\":\"{sessionId}\"}},\"is_close\":{value}}}",
        };
    }

    private string BadBase64() => _rng.Next(6) switch
    {
        0 => "!!!notbase64!!!",
        1 => "A",
        2 => "AAA",
        3 => "====",
        4 => "AA=A",
        _ => Convert.ToBase64String(Pcm(_rng.Next(1, 100) * 2)).Insert(_rng.Next(1, 4), Pick("*", "é", "-", "_", "%", "=")),
    };

    private string NanOrInfinity() => Pick(
        "{\"audio\":NaN}",
        "{\"is_close\":Infinity}",
        "{\"x\":-Infinity}",
        "{\"meta_info\":{\"session_id\":NaN}}",
        "{\"x\":nan}",
        "{\"x\":01}",
        "{\"x\":1.}",
        "{\"x\":.5}",
        "{\"x\":+1}");

    private string LoneSurrogate() => Pick(
        "{\"meta_info\":{\"session_id\":\"\\ud800\"}}",
        "{\"meta_info\":{\"session_id\":\"abc\\udfff\"}}",
        "{\"meta_info\":{\"encoding\":\"\\ud83d\"},\"audio\":\"AAAA\"}",
        "{\"audio\":\"AA\\ud800AA\"}",
        "{\"ignored\":\"\\ud800\"}"); // an unknown field is never read: no error

    private string Pick(params string[] options) => options[_rng.Next(options.Length)];
}
