using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Harness.Phone;

/// <summary>
/// The carrier's side of a phone stream (Twilio, Telnyx or Vonage), as PROTOCOLS.md §7 gives it: the messages a carrier
/// sends the service and what the service's messages mean. The harness's <see cref="PhoneLine"/> and the tests' carrier
/// simulator both speak through it, so the wire formats live in one place.
/// </summary>
/// <remarks>Numbering (sequence numbers, media chunks) is thread-safe: echoes and media go out from different tasks.</remarks>
public sealed class CarrierWire
{
    private long _sequence;
    private long _chunk;

    /// <param name="carrier"><c>twilio</c>, <c>telnyx</c> or <c>vonage</c>.</param>
    public CarrierWire(string carrier)
    {
        if (carrier is not ("twilio" or "telnyx" or "vonage"))
        {
            throw new ArgumentException($"unknown carrier '{carrier}' (twilio, telnyx or vonage)", nameof(carrier));
        }

        Carrier = carrier;
    }

    public string Carrier { get; }

    public string StreamId { get; } = "MZ" + Guid.NewGuid().ToString("N");

    /// <summary>The caller's audio coding set by the start: <c>PCMU</c>, <c>PCMA</c> or <c>L16</c> (Vonage always L16).</summary>
    public string Encoding { get; private set; } = "PCMU";

    public int SampleRate { get; private set; } = 8000;

    /// <summary>Vonage's audio travels as binary frames of little-endian PCM; the others' as base64 in JSON media messages.</summary>
    public bool BinaryAudio => Carrier == "vonage";

    /// <summary>20 ms of the caller's audio on the wire.</summary>
    public int FrameBytes => SampleRate / 50 * (Encoding == "L16" ? 2 : 1);

    /// <summary>One byte of silence in the wire's coding (for L16, each byte of a silent sample).</summary>
    public byte SilenceByte => Encoding switch { "PCMU" => 0xFF, "PCMA" => 0xD5, _ => 0 };

    /// <summary>Twilio's first message (the others have none before the start).</summary>
    public static string Connected() => Json(new { @event = "connected", protocol = "Call", version = "1.0.0" });

    /// <summary>
    /// The carrier's start: Twilio's with its custom parameters (µ-law 8 kHz), Telnyx's with <paramref name="encoding"/>
    /// and <paramref name="rate"/>, Vonage's websocket:connected with the L16 content type at <paramref name="rate"/>.
    /// </summary>
    public string Start(string from, string callId, IReadOnlyDictionary<string, string>? customParameters = null, string encoding = "PCMU", int rate = 8000)
    {
        switch (Carrier)
        {
            case "telnyx":
                (Encoding, SampleRate) = (encoding, rate);
                return Json(new
                {
                    @event = "start",
                    sequence_number = Next(),
                    start = new
                    {
                        user_id = "3e6f995f-85f7-4705-9741-53b116d28237",
                        call_control_id = callId,
                        from,
                        to = "+15550000000",
                        media_format = new { encoding, sample_rate = rate, channels = 1 },
                    },
                    stream_id = StreamId,
                });
            case "vonage":
                (Encoding, SampleRate) = ("L16", rate);
                return Json(new Dictionary<string, string> { ["event"] = "websocket:connected", ["content-type"] = $"audio/l16;rate={rate}", ["from"] = from, ["uuid"] = callId });
            default:
                var parameters = new Dictionary<string, string>(customParameters ?? new Dictionary<string, string>()) { ["from"] = from, ["callSid"] = callId };
                return Json(new
                {
                    @event = "start",
                    sequenceNumber = Next(),
                    streamSid = StreamId,
                    start = new
                    {
                        streamSid = StreamId,
                        accountSid = "AC00000000000000000000000000000000",
                        callSid = callId,
                        tracks = new[] { "inbound" },
                        customParameters = parameters,
                        mediaFormat = new { encoding = "audio/x-mulaw", sampleRate = 8000, channels = 1 },
                    },
                });
        }
    }

    /// <summary>The next media chunk number (from 1); take two to send a pair out of order.</summary>
    public long NextChunk() => Interlocked.Increment(ref _chunk);

    /// <summary>A JSON media message (Twilio, Telnyx) carrying <paramref name="wire"/> as chunk <paramref name="chunk"/>, 20 ms a chunk.</summary>
    public string Media(byte[] wire, long chunk)
    {
        var n = chunk.ToString(CultureInfo.InvariantCulture);
        var timestamp = (chunk * 20).ToString(CultureInfo.InvariantCulture);
        var payload = Convert.ToBase64String(wire);
        return Carrier == "telnyx"
            ? Json(new { @event = "media", sequence_number = Next(), media = new { track = "inbound", chunk = n, timestamp, payload }, stream_id = StreamId })
            : Json(new { @event = "media", sequenceNumber = Next(), streamSid = StreamId, media = new { track = "inbound", chunk = n, timestamp, payload } });
    }

    public string Dtmf(string digit) => Carrier switch
    {
        "telnyx" => Json(new { @event = "dtmf", stream_id = StreamId, sequence_number = Next(), occurred_at = DateTime.UtcNow, dtmf = new { digit } }),
        "vonage" => Json(new Dictionary<string, object> { ["event"] = "websocket:dtmf", ["digit"] = digit, ["duration"] = 100 }),
        _ => Json(new { @event = "dtmf", streamSid = StreamId, sequenceNumber = Next(), dtmf = new { track = "inbound_track", digit } }),
    };

    /// <summary>The hang-up message; null for Vonage, which hangs up by closing the socket.</summary>
    public string? Stop() => Carrier switch
    {
        "telnyx" => Json(new { @event = "stop", sequence_number = Next(), stop = new { user_id = "u", call_control_id = "c" }, stream_id = StreamId }),
        "vonage" => null,
        _ => Json(new { @event = "stop", sequenceNumber = Next(), streamSid = StreamId, stop = new { accountSid = "AC0", callSid = "CA0" } }),
    };

    /// <summary>The carrier's answer once playback reached a mark (Vonage: the notify's payload comes back).</summary>
    public string MarkEcho(string name) => Carrier switch
    {
        "telnyx" => Json(new { @event = "mark", sequence_number = Next(), stream_id = StreamId, mark = new { name } }),
        "vonage" => Json(new { @event = "websocket:notify", payload = new { name } }),
        _ => Json(new { @event = "mark", sequenceNumber = Next(), streamSid = StreamId, mark = new { name } }),
    };

    /// <summary>Vonage confirms a clear; Twilio and Telnyx send nothing (null).</summary>
    public string? ClearAnswer() => Carrier == "vonage" ? "{\"event\":\"websocket:cleared\"}" : null;

    /// <summary>
    /// A message from the service: media (its audio in the wire's coding), a mark, a clear, or another event by name.
    /// Throws <see cref="InvalidDataException"/> for what the carrier would reject (binary audio to Twilio or Telnyx,
    /// a Twilio message for another stream, a Telnyx message carrying a stream id).
    /// </summary>
    public CarrierMessage Parse(ReadOnlySpan<byte> data, WebSocketMessageType type)
    {
        if (type == WebSocketMessageType.Binary)
        {
            return BinaryAudio ? new CarrierMessage("media", data.ToArray(), null) : throw new InvalidDataException("only Vonage takes binary audio");
        }

        var reader = new Utf8JsonReader(data);
        using var doc = JsonDocument.ParseValue(ref reader);
        var root = doc.RootElement;
        string? kind;
        if (BinaryAudio)
        {
            // Vonage's commands: {"action":"clear"} and {"action":"notify","payload":{...}}.
            kind = Str(root, "action") switch { "notify" => "mark", var a => a };
        }
        else
        {
            kind = Str(root, "event");
            if (Carrier == "twilio" && Str(root, "streamSid") != StreamId)
            {
                throw new InvalidDataException($"Twilio's messages carry the stream's streamSid; got '{Str(root, "streamSid")}'");
            }

            if (Carrier == "telnyx" && root.TryGetProperty("stream_id", out _))
            {
                throw new InvalidDataException("Telnyx's outbound messages carry no stream id");
            }
        }

        return kind switch
        {
            "media" => new CarrierMessage("media", Convert.FromBase64String(root.GetProperty("media").GetProperty("payload").GetString()!), null),
            "mark" => new CarrierMessage("mark", null, root.GetProperty(BinaryAudio ? "payload" : "mark").GetProperty("name").GetString()),
            _ => new CarrierMessage(kind ?? "?", null, null),
        };
    }

    /// <summary>PCM16 at the wire's rate to the wire's coding.</summary>
    public byte[] Encode(ReadOnlySpan<short> pcm)
    {
        if (Encoding == "L16")
        {
            return Pcm16.ToBytes(pcm);
        }

        var coded = new byte[pcm.Length];
        if (Encoding == "PCMA")
        {
            G711.ALawEncode(pcm, coded);
        }
        else
        {
            G711.MuLawEncode(pcm, coded);
        }

        return coded;
    }

    /// <summary>The service's audio in the wire's coding to PCM16 at the wire's rate.</summary>
    public short[] Decode(byte[] wire)
    {
        if (Encoding == "L16")
        {
            return Pcm16.ToSamples(wire);
        }

        var pcm = new short[wire.Length];
        if (Encoding == "PCMA")
        {
            G711.ALawDecode(wire, pcm);
        }
        else
        {
            G711.MuLawDecode(wire, pcm);
        }

        return pcm;
    }

    private string Next() => Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture);

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Json(object message) => JsonSerializer.Serialize(message);
}
