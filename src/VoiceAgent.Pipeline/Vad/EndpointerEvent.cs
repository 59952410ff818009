namespace VoiceAgent.Pipeline.Vad;

/// <summary>What one frame meant to the <see cref="VadEndpointer"/>.</summary>
public enum EndpointerEvent
{
    /// <summary>Silence (or speech too short to count yet); the frame is held as pre-roll.</summary>
    None,

    /// <summary>A turn starts; <see cref="VadEndpointer.PendingAudio"/> holds the pre-roll and the speech so far, this frame included.</summary>
    SpeechStarted,

    /// <summary>Inside a turn: forward this frame to the recogniser.</summary>
    Speech,

    /// <summary>Enough silence: the turn is over (this frame is not part of it).</summary>
    SpeechEnded,
}
