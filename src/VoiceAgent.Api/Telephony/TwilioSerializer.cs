using System.Net.WebSockets;
using System.Text.Json;

namespace VoiceAgent.Api.Telephony;

/// <summary>
/// Twilio Media Streams, bidirectional (PROTOCOLS.md §7): JSON text frames only. In: connected, start, media, dtmf, mark,
/// stop (camelCase fields). Out: media (base64 µ-law 8 kHz), mark and clear, each with the stream's <c>streamSid</c>.
/// </summary>
public sealed class TwilioSerializer : CarrierSerializer
{
    public override string Name => "twilio";

    public override CarrierEvent Parse(ReadOnlySpan<byte> message, WebSocketMessageType type)
    {
        if (type != WebSocketMessageType.Text)
        {
            return new CarrierBadMessage("a binary frame (Twilio sends JSON text frames only)");
        }

        using var doc = CarrierJson.ParseObject(message, out var error);
        if (doc is null)
        {
            return new CarrierBadMessage(error!);
        }

        var root = doc.RootElement;
        switch (CarrierJson.String(root, "event"))
        {
            case "connected":
                return new CarrierConnected();
            case "start":
                return Start(root);
            case "media":
                var media = CarrierJson.Object(root, "media");
                if (CarrierJson.String(media, "track") is { } track && track != "inbound")
                {
                    return new CarrierIgnored($"media of the {track} track");
                }

                return CarrierJson.Base64(CarrierJson.String(media, "payload")) is { } payload
                    ? new CarrierMedia(CarrierJson.Number(media, "chunk"), payload)
                    : new CarrierBadMessage("media without a base64 payload");
            case "dtmf":
                return CarrierJson.String(CarrierJson.Object(root, "dtmf"), "digit") is { Length: > 0 } digit
                    ? new CarrierDtmf(digit)
                    : new CarrierBadMessage("dtmf without a digit");
            case "mark":
                return CarrierJson.String(CarrierJson.Object(root, "mark"), "name") is { } name
                    ? new CarrierMark(name)
                    : new CarrierBadMessage("mark without a name");
            case "stop":
                return new CarrierStop();
            case null:
                return new CarrierBadMessage("no event field");
            case var other:
                return new CarrierIgnored($"event '{other}'");
        }
    }

    public override OutboundMessage Media(ReadOnlySpan<byte> audio) => Json(
        Convert.ToBase64String(audio),
        static (w, s) =>
        {
            w.WriteString("event", "media");
            w.WriteString("streamSid", s.Sid);
            w.WriteStartObject("media");
            w.WriteString("payload", s.Value);
            w.WriteEndObject();
        });

    public override OutboundMessage Mark(string name) => Json(
        name,
        static (w, s) =>
        {
            w.WriteString("event", "mark");
            w.WriteString("streamSid", s.Sid);
            w.WriteStartObject("mark");
            w.WriteString("name", s.Value);
            w.WriteEndObject();
        });

    public override OutboundMessage Clear() => Json(
        "",
        static (w, s) =>
        {
            w.WriteString("event", "clear");
            w.WriteString("streamSid", s.Sid);
        });

    private CarrierEvent Start(JsonElement root)
    {
        var start = CarrierJson.Object(root, "start");
        var streamSid = CarrierJson.String(start, "streamSid") ?? CarrierJson.String(root, "streamSid");
        var callSid = CarrierJson.String(start, "callSid");
        if (streamSid is null || callSid is null)
        {
            return new CarrierBadMessage("start without streamSid or callSid");
        }

        var format = CarrierJson.Object(start, "mediaFormat");
        var encoding = CarrierJson.String(format, "encoding");
        var rate = CarrierJson.Number(format, "sampleRate") ?? 8000;
        if (encoding is not (null or "audio/x-mulaw") || rate != 8000)
        {
            return new CarrierBadMessage($"unsupported media format {encoding} at {rate} Hz (Twilio streams audio/x-mulaw at 8000 Hz)");
        }

        var parameters = CarrierJson.StringMap(CarrierJson.Object(start, "customParameters"));
        StreamId = streamSid;
        Format = CarrierAudioFormat.MuLaw8k;
        return new CarrierStart(streamSid, callSid, parameters.GetValueOrDefault("from"), Format, parameters);
    }

    private OutboundMessage Json(string value, Action<Utf8JsonWriter, (string Sid, string Value)> write) =>
        new(CarrierJson.Write((StreamId ?? "", value), write), WebSocketMessageType.Text);
}
