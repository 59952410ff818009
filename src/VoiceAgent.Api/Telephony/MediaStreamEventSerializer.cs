using System.Net.WebSockets;
using System.Text.Json;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Api.Telephony;

/// <summary>
/// The media-stream events Twilio defined and Telnyx adopted (PROTOCOLS.md §7): connected, start, media, dtmf, mark and
/// stop as JSON text frames. The two differ only in their start message's fields and in what their outbound messages
/// carry, which the subclasses say.
/// </summary>
public abstract class MediaStreamEventSerializer : CarrierSerializer
{
    /// <summary>The carrier's name as written in error messages (Twilio, Telnyx).</summary>
    protected abstract string Carrier { get; }

    public sealed override CarrierEvent Parse(ReadOnlySpan<byte> message, WebSocketMessageType type, out CarrierAudio audio)
    {
        audio = default;
        if (type != WebSocketMessageType.Text)
        {
            return new CarrierBadMessage($"a binary frame ({Carrier} sends JSON text frames only)");
        }

        // Media is nearly every message: it is read in place; the rest (and media with escapes) through a document.
        switch (MediaMessageReader.Read(message, out audio, out var problem))
        {
            case MediaMessageKind.Media:
                return CarrierMedia.Received;
            case MediaMessageKind.Ignored:
                return new CarrierIgnored(problem!);
            case MediaMessageKind.Malformed:
                return new CarrierBadMessage(problem!);
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
                // A second start must not change the stream id or the audio format the call already runs on.
                return StreamId is null ? Start(root) : new CarrierBadMessage("a second start message");
            case "media":
                var media = CarrierJson.Object(root, "media");
                if (CarrierJson.String(media, "track") is { } track && track != "inbound")
                {
                    return new CarrierIgnored($"media of the {track} track");
                }

                if (CarrierJson.Base64(CarrierJson.String(media, "payload")) is not { } payload)
                {
                    return new CarrierBadMessage("media without a base64 payload");
                }

                audio = new CarrierAudio(CarrierJson.Number(media, "chunk"), AudioPool.Rent(payload), payload.Length);
                return CarrierMedia.Received;
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

    /// <summary>The carrier's start message: its stream and call ids, caller, audio format and parameters.</summary>
    protected abstract CarrierEvent Start(JsonElement root);
}
