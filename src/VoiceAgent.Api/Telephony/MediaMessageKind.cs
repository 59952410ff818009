namespace VoiceAgent.Api.Telephony;

/// <summary>What <see cref="MediaMessageReader"/> made of a message.</summary>
internal enum MediaMessageKind
{
    /// <summary>Not a media message (or one with escapes): the document path reads it.</summary>
    Other,

    /// <summary>Inbound audio, decoded.</summary>
    Media,

    /// <summary>Media of another track.</summary>
    Ignored,

    /// <summary>Not JSON, or media without a base64 payload.</summary>
    Malformed,
}
