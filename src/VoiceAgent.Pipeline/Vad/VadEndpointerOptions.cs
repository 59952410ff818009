namespace VoiceAgent.Pipeline.Vad;

/// <summary>Turn-taking thresholds (configuration section <c>VoiceAgent:Pipeline:Vad</c>).</summary>
public sealed class VadEndpointerOptions
{
    /// <summary>Frame length fed to the detector: 10, 20 or 30 ms.</summary>
    public int FrameMs { get; set; } = 30;

    /// <summary>Speech must last this long before a turn starts, so clicks and coughs are not turns.</summary>
    public int MinSpeechMs { get; set; } = 120;

    /// <summary>Silence after speech that ends the user's turn (the seed used 750 ms).</summary>
    public int EndSilenceMs { get; set; } = 500;

    /// <summary>Audio kept from before the detected start, so the first syllable reaches the recogniser.</summary>
    public int PreRollMs { get; set; } = 210;

    /// <summary>While the agent is thinking or speaking, the user must speak this long to interrupt it.</summary>
    public int BargeInMs { get; set; } = 300;

    /// <summary>
    /// How each end of turn is decided: <c>Transcript</c> (the default) lets the recogniser's partials shorten or lengthen
    /// the wait between <see cref="MinEndSilenceMs"/> and <see cref="MaxEndSilenceMs"/>; <c>Fixed</c> always waits
    /// <see cref="EndSilenceMs"/> (the detector off). Other names are detectors the host registered under that key.
    /// </summary>
    public string TurnDetector { get; set; } = "Transcript";

    /// <summary>The wait after a complete question or command, when a fresh partial shows one.</summary>
    public int MinEndSilenceMs { get; set; } = 250;

    /// <summary>The wait after words that leave the sentence open ("and", "for", "um", "my number is", digits).</summary>
    public int MaxEndSilenceMs { get; set; } = 2000;

    /// <summary>
    /// The <c>Transcript</c> detector's wait when the words say nothing either way: no partial yet, a stale one, or words
    /// that neither leave the sentence open nor complete it (often a recogniser's garble of a sentence it could not hear
    /// well: "the order number is" came out as "preordered on bread"). Longer than <see cref="EndSilenceMs"/> so a
    /// thinking pause (0.8 s) inside such a sentence does not end it; used between <see cref="EndSilenceMs"/> and
    /// <see cref="MaxEndSilenceMs"/> whatever is configured.
    /// </summary>
    public int UncertainEndSilenceMs { get; set; } = 1000;

    /// <summary>A partial published more than this before the user's last speech misses words: it changes nothing (the wait is <see cref="EndSilenceMs"/>).</summary>
    public int PartialMaxLagMs { get; set; } = 300;

    /// <summary>
    /// Inside a turn, input audio this late by the wall clock (beyond the end of the audio received so far) counts as
    /// silence: a client that stops sending after speaking, instead of streaming its microphone's silence, still has its
    /// turn ended after the turn detector's wait, measured from the end of its audio. Lateness under this (network jitter)
    /// counts for nothing. Nothing is added to the audio itself. 0 turns it off (only audio received ends a turn).
    /// </summary>
    public int MissingAudioMs { get; set; } = 300;

    /// <summary>End turns on energy as well as on the detector, cutting the detector's ~90 ms hangover (see <see cref="SpeechEndGate"/>).</summary>
    public bool EnergyEndGate { get; set; } = true;

    public void Validate()
    {
        if (FrameMs is not (10 or 20 or 30))
        {
            throw new ArgumentException($"VoiceAgent:Vad:FrameMs must be 10, 20 or 30, not {FrameMs}.");
        }

        if (MinSpeechMs < FrameMs || EndSilenceMs < FrameMs || BargeInMs < FrameMs || PreRollMs < 0 || PreRollMs > 2000)
        {
            throw new ArgumentException("VoiceAgent:Vad: MinSpeechMs, EndSilenceMs and BargeInMs must be at least one frame; PreRollMs 0..2000.");
        }

        if (MinEndSilenceMs < FrameMs || MinEndSilenceMs > EndSilenceMs || MaxEndSilenceMs < EndSilenceMs || MaxEndSilenceMs > 10_000 || PartialMaxLagMs < 0 || UncertainEndSilenceMs < 0 || MissingAudioMs < 0)
        {
            throw new ArgumentException("VoiceAgent:Pipeline:Vad: need FrameMs <= MinEndSilenceMs <= EndSilenceMs <= MaxEndSilenceMs <= 10000, and PartialMaxLagMs, UncertainEndSilenceMs, MissingAudioMs >= 0.");
        }

        if (string.IsNullOrWhiteSpace(TurnDetector))
        {
            throw new ArgumentException("VoiceAgent:Pipeline:Vad:TurnDetector must name a detector (Transcript or Fixed).");
        }
    }
}
