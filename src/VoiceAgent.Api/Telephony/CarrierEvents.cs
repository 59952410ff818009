// The carrier events are one closed set, like a discriminated union; it reads best in one file.
#pragma warning disable SA1402, SA1649
namespace VoiceAgent.Api.Telephony;

/// <summary>What a carrier's message means, whatever its wire shape: the carrier-neutral connection acts on these.</summary>
public abstract record CarrierEvent;

/// <summary>The socket's protocol is confirmed (Twilio/Telnyx <c>connected</c>); nothing to do.</summary>
public sealed record CarrierConnected : CarrierEvent;

/// <summary>The stream starts: its ids, the caller, the audio format, and the custom parameters the webhook passed.</summary>
public sealed record CarrierStart(string StreamId, string CallId, string? From, CarrierAudioFormat Format, IReadOnlyDictionary<string, string> Parameters) : CarrierEvent;

/// <summary>
/// A chunk of the caller's audio: the audio itself comes out of <see cref="CarrierSerializer.Parse(ReadOnlySpan{byte}, System.Net.WebSockets.WebSocketMessageType, out CarrierAudio)"/>
/// beside this one shared instance, so the message every 20 ms of every call allocates nothing.
/// </summary>
public sealed record CarrierMedia : CarrierEvent
{
    private CarrierMedia()
    {
    }

    /// <summary>The one instance: a media message was read.</summary>
    public static CarrierMedia Received { get; } = new();
}

/// <summary>The caller pressed a key.</summary>
public sealed record CarrierDtmf(string Digit) : CarrierEvent;

/// <summary>A mark (or Vonage notify) we sent has been reached in playback, or was dropped by a clear.</summary>
public sealed record CarrierMark(string Name) : CarrierEvent;

/// <summary>The stream ended (the call hung up or the carrier stopped streaming).</summary>
public sealed record CarrierStop : CarrierEvent;

/// <summary>A message this service does not act on (another track, an event it does not need); logged at debug.</summary>
public sealed record CarrierIgnored(string What) : CarrierEvent;

/// <summary>A message that breaks the protocol (bad JSON, missing fields, bad base64): logged, the call goes on.</summary>
public sealed record CarrierBadMessage(string Reason) : CarrierEvent;
