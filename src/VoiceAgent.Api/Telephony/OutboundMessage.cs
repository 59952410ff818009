using System.Net.WebSockets;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Api.Telephony;

/// <summary>
/// One message to the carrier: its bytes and whether it goes as a text (JSON) or binary frame. Media messages are written
/// into an array from <see cref="AudioPool"/> (<see cref="Pooled"/>), which the socket's queue returns once it is sent.
/// </summary>
public readonly record struct OutboundMessage(ReadOnlyMemory<byte> Data, WebSocketMessageType Type)
{
    /// <summary>The pooled array under <see cref="Data"/>, if any: whoever sends (or drops) the message returns it.</summary>
    public byte[]? Pooled { get; init; }
}
