using System.Net.WebSockets;
using System.Text.Json;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Api.Telephony;

/// <summary>
/// Vonage Voice API WebSockets (PROTOCOLS.md §7): the first message is JSON text, <c>websocket:connected</c> with the
/// call's headers and <c>content-type: audio/l16;rate=8000|16000</c>; after it, audio is binary 16-bit little-endian PCM
/// in 20 ms frames both ways. Control is JSON text. As Vonage's WebSocket guide
/// (developer.vonage.com/en/voice/voice-api/concepts/websockets) gives them: <c>{"action":"clear"}</c> drops buffered
/// audio (answered by <c>websocket:cleared</c>); <c>{"action":"notify","payload":{…}}</c> is answered by
/// <c>{"event":"websocket:notify","payload":{…}}</c> once the audio sent before it has played; key presses arrive as
/// <c>{"event":"websocket:dtmf","digit":…}</c>.
/// </summary>
public sealed class VonageSerializer : CarrierSerializer
{
    private bool _started;

    public override string Name => "vonage";

    /// <summary>Vonage takes exactly 20 ms per binary message.</summary>
    public override int FramesPerMessage => 1;

    public override CarrierEvent Parse(ReadOnlySpan<byte> message, WebSocketMessageType type, out CarrierAudio audio)
    {
        audio = default;
        if (type == WebSocketMessageType.Binary)
        {
            if (!_started)
            {
                return new CarrierBadMessage("audio before the websocket:connected message");
            }

            if (message.Length % 2 != 0)
            {
                return new CarrierBadMessage("an odd number of bytes of 16-bit audio");
            }

            audio = new CarrierAudio(null, AudioPool.Rent(message), message.Length);
            return CarrierMedia.Received;
        }

        using var doc = CarrierJson.ParseObject(message, out var error);
        if (doc is null)
        {
            return new CarrierBadMessage(error!);
        }

        var root = doc.RootElement;
        switch (CarrierJson.String(root, "event"))
        {
            case "websocket:connected":
                return Start(root);
            case "websocket:notify":
                return CarrierJson.String(CarrierJson.Object(root, "payload"), "name") is { } name
                    ? new CarrierMark(name)
                    : new CarrierBadMessage("websocket:notify without payload.name");
            case "websocket:dtmf":
                return CarrierJson.String(root, "digit") is { Length: > 0 } digit
                    ? new CarrierDtmf(digit)
                    : new CarrierBadMessage("websocket:dtmf without a digit");
            case "websocket:cleared":
                return new CarrierIgnored("websocket:cleared");
            case null:
                return new CarrierBadMessage("no event field");
            case var other:
                return new CarrierIgnored($"event '{other}'");
        }
    }

    public override OutboundMessage Media(ReadOnlySpan<byte> audio)
    {
        var rented = AudioPool.Rent(audio);
        return new OutboundMessage(rented.AsMemory(0, audio.Length), WebSocketMessageType.Binary) { Pooled = rented };
    }

    public override OutboundMessage Mark(string name) => new(
        CarrierJson.Write(name, static (w, n) =>
        {
            w.WriteString("action", "notify");
            w.WriteStartObject("payload");
            w.WriteString("name", n);
            w.WriteEndObject();
        }),
        WebSocketMessageType.Text);

    public override OutboundMessage Clear() => new(CarrierJson.Write(0, static (w, _) => w.WriteString("action", "clear")), WebSocketMessageType.Text);

    private CarrierEvent Start(JsonElement root)
    {
        if (_started)
        {
            return new CarrierBadMessage("a second websocket:connected");
        }

        if (!AudioFormat.TryParseMediaType(CarrierJson.String(root, "content-type"), out var format, defaultRate: 16000) || format.SampleRate is not (8000 or 16000))
        {
            return new CarrierBadMessage($"unsupported content-type '{CarrierJson.String(root, "content-type")}' (audio/l16;rate=8000 or 16000)");
        }

        _started = true;
        Format = new CarrierAudioFormat(CarrierCodec.L16, format.SampleRate);
        var headers = CarrierJson.StringMap(root);
        var callId = headers.GetValueOrDefault("uuid") ?? headers.GetValueOrDefault("conversation_uuid") ?? Guid.NewGuid().ToString("N");
        StreamId = callId;
        return new CarrierStart(callId, callId, headers.GetValueOrDefault("from"), Format, headers);
    }
}
