using System.Net.WebSockets;
using System.Text.Json;

namespace VoiceAgent.Api.Telephony;

/// <summary>
/// Telnyx media streaming (PROTOCOLS.md §7): Twilio's event names with snake_case fields (<c>stream_id</c>,
/// <c>sequence_number</c>, <c>media_format.sample_rate</c>); PCMU, PCMA or L16 at 8 or 16 kHz; outbound media, mark and
/// clear carry no stream id. Chunks may arrive out of order; the connection reorders them by <c>chunk</c>.
/// </summary>
public sealed class TelnyxSerializer : MediaStreamEventSerializer
{
    public override string Name => "telnyx";

    protected override string Carrier => "Telnyx";

    /// <summary><c>{"event":"media","media":{"payload":"…"}}</c>, written around the base64 without a JSON writer.</summary>
    public override OutboundMessage Media(ReadOnlySpan<byte> audio) => JsonMedia("{\"event\":\"media\",\"media\":{\"payload\":\""u8, audio, "\"}}"u8);

    public override OutboundMessage Mark(string name) => Json(name, static (w, n) =>
    {
        w.WriteString("event", "mark");
        w.WriteStartObject("mark");
        w.WriteString("name", n);
        w.WriteEndObject();
    });

    public override OutboundMessage Clear() => Json("", static (w, _) => w.WriteString("event", "clear"));

    private static OutboundMessage Json(string value, Action<Utf8JsonWriter, string> write) =>
        new(CarrierJson.Write(value, write), WebSocketMessageType.Text);

    protected override CarrierEvent Start(JsonElement root)
    {
        var start = CarrierJson.Object(root, "start");
        var streamId = CarrierJson.String(root, "stream_id");
        var callId = CarrierJson.String(start, "call_control_id");
        if (streamId is null || callId is null)
        {
            return new CarrierBadMessage("start without stream_id or start.call_control_id");
        }

        var format = CarrierJson.Object(start, "media_format");
        var rate = CarrierJson.Number(format, "sample_rate") ?? 8000;
        CarrierCodec? codec = CarrierJson.String(format, "encoding") switch
        {
            null or "PCMU" => CarrierCodec.MuLaw,
            "PCMA" => CarrierCodec.ALaw,
            "L16" => CarrierCodec.L16BigEndian,
            _ => null,
        };
        if (codec is null || rate is not (8000 or 16000))
        {
            return new CarrierBadMessage($"unsupported media format {CarrierJson.String(format, "encoding")} at {rate} Hz (PCMU, PCMA or L16 at 8000 or 16000 Hz)");
        }

        StreamId = streamId;
        Format = new CarrierAudioFormat(codec.Value, (int)rate);
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (CarrierJson.String(start, "client_state") is { } state)
        {
            parameters["client_state"] = state;
        }

        return new CarrierStart(streamId, callId, CarrierJson.String(start, "from"), Format, parameters);
    }
}
