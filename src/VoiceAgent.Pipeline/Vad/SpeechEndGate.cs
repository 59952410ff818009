namespace VoiceAgent.Pipeline.Vad;

/// <summary>
/// Inside a turn, counts a frame as silence when it is far quieter than the turn's speech, even if the detector still
/// says speech. WebRTC VAD keeps flagging speech for up to ~90 ms after the voice stops (its hangover), and that time
/// would otherwise be added to every end of turn. Gaps inside speech are harmless: a turn still ends only after
/// <c>EndSilenceMs</c> of silence.
/// </summary>
public sealed class SpeechEndGate(double relativeFloor = 0.05, double absoluteFloor = 40)
{
    private double _level;

    /// <summary>The turn's speech level so far (RMS, 0..32768).</summary>
    public double Level => _level;

    public void Reset() => _level = 0;

    /// <summary>Whether the frame counts as speech for the end of the turn.</summary>
    public bool IsSpeech(bool detected, double rms)
    {
        if (!detected || rms < Math.Max(absoluteFloor, _level * relativeFloor))
        {
            return false;
        }

        // A slow average of voiced frames: one loud syllable must not make the rest of the turn look like silence.
        _level = _level == 0 ? rms : (0.95 * _level) + (0.05 * rms);
        return true;
    }
}
