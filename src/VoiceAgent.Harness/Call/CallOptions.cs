namespace VoiceAgent.Harness.Call;

/// <summary>What the <c>call</c> command was asked to do.</summary>
public sealed record CallOptions
{
    public required Uri Url { get; init; }

    public string? WavPath { get; init; }

    public string? SavePath { get; init; }

    public string SessionId { get; init; } = "harness-" + Guid.NewGuid().ToString("N")[..8];

    public string? Token { get; init; }

    /// <summary>Send as fast as the socket takes it instead of at real-time pace.</summary>
    public bool Fast { get; init; }

    /// <summary>How many times the WAV is spoken; each time the harness waits for the agent's turn to end.</summary>
    public int Turns { get; init; } = 1;

    public int FrameMs { get; init; } = 20;

    public int TrailingSilenceMs { get; init; } = 1500;

    public TimeSpan TurnTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
