using System.Net.WebSockets;
using System.Text.Json;

namespace VoiceAgent.Api.Telephony;

/// <summary>
/// Twilio Media Streams, bidirectional (PROTOCOLS.md §7): JSON text frames only. In: connected, start, media, dtmf, mark,
/// stop (camelCase fields). Out: media (base64 µ-law 8 kHz), mark and clear, each with the stream's <c>streamSid</c>.
/// </summary>
public sealed class TwilioSerializer : MediaStreamEventSerializer
{
    public override string Name => "twilio";

    protected override string Carrier => "Twilio";

    private byte[] _mediaPrefix = [];
    private string? _mediaPrefixSid;

    /// <summary>
    /// <c>{"event":"media","streamSid":…,"media":{"payload":"…"}}</c>: the part before the payload is written once per
    /// stream (the stream id JSON-escaped as the writer does), then only the base64 is new in each message.
    /// </summary>
    public override OutboundMessage Media(ReadOnlySpan<byte> audio)
    {
        var sid = StreamId ?? "";
        if (!ReferenceEquals(sid, _mediaPrefixSid))
        {
            var empty = Json("", static (w, s) =>
            {
                w.WriteString("event", "media");
                w.WriteString("streamSid", s.Sid);
                w.WriteStartObject("media");
                w.WriteString("payload", s.Value);
                w.WriteEndObject();
            });
            _mediaPrefix = empty.Data[..^MediaSuffix.Length].ToArray();
            _mediaPrefixSid = sid;
        }

        return JsonMedia(_mediaPrefix, audio, MediaSuffix);
    }

    private static ReadOnlySpan<byte> MediaSuffix => "\"}}"u8;

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

    protected override CarrierEvent Start(JsonElement root)
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
