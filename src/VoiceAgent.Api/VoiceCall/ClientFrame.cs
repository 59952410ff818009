using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Api.VoiceCall;

/// <summary>
/// One client frame of the voice call (PROTOCOLS.md §2), parsed: audio (possibly empty), the session id if given, whether
/// the client is done. A frame with no <c>audio</c> is a heartbeat.
/// </summary>
/// <remarks>
/// The audio lives at the start of <see cref="Pooled"/>, an array rented from <see cref="AudioPool"/>: whoever takes the
/// audio on takes the array with it; otherwise <see cref="Release"/> returns it.
/// </remarks>
public readonly record struct ClientFrame(ReadOnlyMemory<byte>? Audio, string? SessionId, bool IsClose)
{
    /// <summary>The rented array behind <see cref="Audio"/>, if any.</summary>
    public byte[]? Pooled { get; init; }

    public bool IsHeartbeat => Audio is null && !IsClose;

    /// <summary>Returns the audio's array to the pool, for a frame whose audio was not handed on.</summary>
    public void Release()
    {
        var pooled = Pooled;
        AudioPool.Return(ref pooled);
    }
}

/// <summary>Why a client frame was refused: the protocol code (400, 413, 415) and a message saying what was wrong.</summary>
public sealed record ClientFrameError(int Code, string Message);
