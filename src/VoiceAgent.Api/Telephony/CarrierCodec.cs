namespace VoiceAgent.Api.Telephony;

/// <summary>The audio codings carriers stream: G.711 (PCMU, PCMA) and 16-bit linear PCM.</summary>
public enum CarrierCodec
{
    MuLaw,
    ALaw,

    /// <summary>16-bit little-endian (Vonage's binary frames).</summary>
    L16,

    /// <summary>16-bit big-endian: an RTP L16 payload is in network byte order (RFC 3551 §4.5.11), which Telnyx forwards as is.</summary>
    L16BigEndian,
}
