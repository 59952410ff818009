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

    /// <summary>
    /// An overlap whose words hold a single real word interrupts only if its speech lasted at most this long, and only
    /// once its final transcript is in (the whole speech time known). One word ("stop", "wait", "sorry") takes about half a
    /// second to say; a hum the recogniser spelled as one word ("mm hmm" heard as "add an m") lasts about a second
    /// (bench/results/hum-probe-run1.txt: flite's "mm hmm" 1.1 s, "hmm" 0.9-1.0 s, one-word interruptions 0.2-0.6 s).
    /// Two real words interrupt as before, on a partial. 0: a lone word always counts, on a partial too.
    /// </summary>
    public int LoneWordMaxMs { get; set; } = 800;

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
        if (MinInterruptionMs < 0 || MinInterruptionWords < 0 || FalseInterruptionTimeoutMs < 100 || PlaybackLeadMs < 0 || LoneWordMaxMs < 0)
        {
            throw new ArgumentException("VoiceAgent:Pipeline:Interruptions: MinInterruptionMs, MinInterruptionWords, LoneWordMaxMs and PlaybackLeadMs must be >= 0, FalseInterruptionTimeoutMs >= 100.");
        }
    }
}
