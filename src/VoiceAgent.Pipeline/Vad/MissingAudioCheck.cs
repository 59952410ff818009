using VoiceAgent.Pipeline.Frames;

namespace VoiceAgent.Pipeline.Vad;

/// <summary>Asks the VAD stage whether missing input audio ends the turn; never leaves the stage.</summary>
internal sealed record MissingAudioCheck : Frame
{
    public static readonly MissingAudioCheck Instance = new();
}
