namespace VoiceAgent.Pipeline.Turns;

/// <summary>When speech over the agent interrupts it (configuration section <c>VoiceAgent:Pipeline:Interruptions</c>).</summary>
public sealed class InterruptionOptions
{
    /// <summary>
    /// Pause, then decide: speech over the agent pauses its output at once, and only speech that passes the rules below
    /// interrupts it; anything else resumes the reply where it stopped. False: the old rule, <c>Vad:BargeInMs</c> of
    /// speech interrupts at once.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Speech over the agent must last this long (VAD speech frames) to interrupt it.</summary>
    public int MinInterruptionMs { get; set; } = 300;

    /// <summary>Where the recogniser gives partials, it must also hear this many real words (backchannels and "um" do not count); 0 for none.</summary>
    public int MinInterruptionWords { get; set; } = 1;

    /// <summary>With no interruption confirmed this long after the pause, the agent's reply resumes where it stopped.</summary>
    public int FalseInterruptionTimeoutMs { get; set; } = 1500;

    /// <summary>
    /// Agent audio is released to the transport at most this far ahead of the listener's estimated playback, so a pause
    /// stops what the listener hears within this time. 0 sends audio as fast as it is made (a pause then holds back only
    /// what was not made yet).
    /// </summary>
    public int PlaybackLeadMs { get; set; } = 200;

    public void Validate()
    {
        if (MinInterruptionMs < 0 || MinInterruptionWords < 0 || FalseInterruptionTimeoutMs < 100 || PlaybackLeadMs < 0)
        {
            throw new ArgumentException("VoiceAgent:Pipeline:Interruptions: MinInterruptionMs, MinInterruptionWords and PlaybackLeadMs must be >= 0, FalseInterruptionTimeoutMs >= 100.");
        }
    }
}
