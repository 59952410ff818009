namespace VoiceAgent.Harness.Phone;

/// <summary>One message from the service to a carrier: its kind (media, mark, clear or another event), media's audio in the wire's coding, a mark's name.</summary>
public sealed record CarrierMessage(string Kind, byte[]? Audio, string? Mark);
