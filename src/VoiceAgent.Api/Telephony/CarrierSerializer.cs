using System.Net.WebSockets;

namespace VoiceAgent.Api.Telephony;

/// <summary>
/// One carrier's wire protocol, and nothing else: parses its messages into <see cref="CarrierEvent"/>s and writes its
/// media, mark and clear messages. The call's logic lives in <see cref="PhoneCallConnection"/>, shared by all carriers.
/// </summary>
public abstract class CarrierSerializer
{
    /// <summary>The carrier's name in URLs, logs and metrics: twilio, telnyx, vonage.</summary>
    public abstract string Name { get; }

    /// <summary>Messages of agent audio carry this many 20 ms frames (the carriers want 20–40 ms or more; Vonage exactly 20).</summary>
    public virtual int FramesPerMessage => 2;

    /// <summary>The stream's audio format, once known (from the start message); outbound audio uses it too.</summary>
    public CarrierAudioFormat Format { get; protected set; } = CarrierAudioFormat.MuLaw8k;

    /// <summary>The stream id the carrier gave in its start message (outbound messages of some carriers carry it).</summary>
    public string? StreamId { get; protected set; }

    public abstract CarrierEvent Parse(ReadOnlySpan<byte> message, WebSocketMessageType type);

    /// <summary>A message carrying <paramref name="audio"/>, already coded in <see cref="Format"/>.</summary>
    public abstract OutboundMessage Media(ReadOnlySpan<byte> audio);

    /// <summary>A marker the carrier echoes once the audio sent before it has played.</summary>
    public abstract OutboundMessage Mark(string name);

    /// <summary>Drops the audio the carrier has buffered but not played.</summary>
    public abstract OutboundMessage Clear();
}
