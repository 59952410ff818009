using System.Net.WebSockets;

namespace VoiceAgent.Api.Telephony;

/// <summary>One message to the carrier: its bytes and whether it goes as a text (JSON) or binary frame.</summary>
public readonly record struct OutboundMessage(byte[] Data, WebSocketMessageType Type);
