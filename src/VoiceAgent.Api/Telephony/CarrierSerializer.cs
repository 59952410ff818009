using System.Buffers.Text;
using System.Net.WebSockets;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Api.Telephony;

/// <summary>
/// One carrier's wire protocol, and nothing else: parses its messages into <see cref="CarrierEvent"/>s and writes its
/// media, mark and clear messages. The call's logic lives in <see cref="PhoneCallConnection"/>, shared by all carriers.
/// </summary>
/// <remarks>
/// Media flows both ways every 20–40 ms of every call, so neither direction allocates: inbound audio is decoded from the
/// received bytes into an array from <see cref="AudioPool"/>, outbound media is written into one.
/// </remarks>
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

    /// <summary>
    /// What <paramref name="message"/> means; when that is <see cref="CarrierMedia"/>, its audio is in <paramref name="audio"/>
    /// (the caller returns its array), otherwise <paramref name="audio"/> is empty.
    /// </summary>
    public abstract CarrierEvent Parse(ReadOnlySpan<byte> message, WebSocketMessageType type, out CarrierAudio audio);

    /// <summary>What <paramref name="message"/> means, any audio in it dropped (for tests and tools, not the call).</summary>
    public CarrierEvent Parse(ReadOnlySpan<byte> message, WebSocketMessageType type)
    {
        var parsed = Parse(message, type, out var audio);
        audio.Return();
        return parsed;
    }

    /// <summary>A message carrying <paramref name="audio"/>, already coded in <see cref="Format"/>; its array is pooled (<see cref="OutboundMessage.Pooled"/>).</summary>
    public abstract OutboundMessage Media(ReadOnlySpan<byte> audio);

    /// <summary>A marker the carrier echoes once the audio sent before it has played.</summary>
    public abstract OutboundMessage Mark(string name);

    /// <summary>Drops the audio the carrier has buffered but not played.</summary>
    public abstract OutboundMessage Clear();

    /// <summary>
    /// A JSON media message as <paramref name="prefix"/> + base64 of <paramref name="audio"/> + <paramref name="suffix"/>,
    /// written into a pooled array: base64 needs no JSON escaping, so no writer, string or intermediate array is involved.
    /// </summary>
    protected static OutboundMessage JsonMedia(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> audio, ReadOnlySpan<byte> suffix)
    {
        var rented = AudioPool.Rent(prefix.Length + Base64.GetMaxEncodedToUtf8Length(audio.Length) + suffix.Length);
        prefix.CopyTo(rented);
        Base64.EncodeToUtf8(audio, rented.AsSpan(prefix.Length), out _, out var written);
        var length = prefix.Length + written;
        suffix.CopyTo(rented.AsSpan(length));
        length += suffix.Length;
        return new OutboundMessage(rented.AsMemory(0, length), WebSocketMessageType.Text) { Pooled = rented };
    }
}
