namespace VoiceAgent.Api.VoiceCall;

/// <summary>
/// One client frame of the voice call (PROTOCOLS.md §2), parsed: audio (possibly empty), the session id if given, whether
/// the client is done. A frame with no <c>audio</c> is a heartbeat.
/// </summary>
public sealed record ClientFrame(byte[]? Audio, string? SessionId, bool IsClose)
{
    public bool IsHeartbeat => Audio is null && !IsClose;
}

/// <summary>Why a client frame was refused: the protocol code (400, 413, 415) and a message saying what was wrong.</summary>
public sealed record ClientFrameError(int Code, string Message);
