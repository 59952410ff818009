namespace VoiceAgent.Harness.Load;

/// <summary>What one load call measured.</summary>
public sealed class CallOutcome
{
    public int Index { get; init; }

    public List<float> FrameLagMs { get; set; } = [];

    public List<double> VoiceToVoiceMs { get; } = [];

    public List<double> ServerFirstAudioMs { get; } = [];

    public int Turns { get; set; }

    public int ErrorFrames { get; set; }

    /// <summary>Connected, then lost before the harness said <c>is_close</c>, or closed other than 1000.</summary>
    public bool Dropped { get; set; }

    public bool ConnectFailed { get; set; }

    public int? CloseStatus { get; set; }

    public string? Failure { get; set; }
}
