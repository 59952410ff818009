namespace VoiceAgent.Harness.Load;

/// <summary>What the <c>load</c> command was asked to do.</summary>
public sealed record LoadOptions
{
    public required Uri Url { get; init; }

    public required string WavPath { get; init; }

    public int Calls { get; init; } = 10;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Call starts are spread evenly over this time.</summary>
    public TimeSpan Ramp { get; init; } = TimeSpan.Zero;

    public string? Token { get; init; }

    /// <summary>twilio, telnyx or vonage: each call is that carrier's media stream to <see cref="Url"/>; null for browser calls.</summary>
    public string? Carrier { get; init; }

    public int FrameMs { get; init; } = 20;

    public int TrailingSilenceMs { get; init; } = 1500;

    /// <summary>How long a call keeps sending silence while waiting for the agent's reply before speaking again.</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(20);
}
