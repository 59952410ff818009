namespace VoiceAgent.Api.VoiceCall;

/// <summary>Voice-call limits (configuration section <c>VoiceAgent:VoiceCall</c>).</summary>
public sealed class VoiceCallOptions
{
    /// <summary>Largest WebSocket message accepted; larger ones close the call with 1009. 1 s of audio in base64 JSON is ~43 KB.</summary>
    public int MaxMessageBytes { get; set; } = 128 * 1024;

    /// <summary>Frames queued for a client before the pipeline waits for it to read (40 ms audio chunks and JSON frames).</summary>
    public int SendQueueFrames { get; set; } = 256;

    /// <summary>How long the send queue may stay full before a client that does not read is disconnected (1008).</summary>
    public TimeSpan SlowClientTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>After <c>is_close</c>, how long the turn in progress may take to finish before the call is closed anyway.</summary>
    public TimeSpan FinishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A call that sends nothing (not even a heartbeat) for this long is closed (1008).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest a call may last; then it is closed (1008).</summary>
    public TimeSpan MaxCallDuration { get; set; } = TimeSpan.FromHours(2);
}
