using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Pipeline.Tts;

/// <summary>The agent's audio output: its format and chunk length (configuration section <c>VoiceAgent:Tts</c>).</summary>
public sealed class TtsStageOptions
{
    public int OutputSampleRate { get; set; } = 16_000;

    /// <summary>Longest audio chunk sent to a client, in milliseconds (Agora expects at most 40).</summary>
    public int ChunkMs { get; set; } = 40;

    /// <summary>Spoken (once) when speech synthesis fails mid-reply, in case a fallback engine can still say it; empty for none.</summary>
    public string FailureMessage { get; set; } = "Sorry, I'm having trouble speaking right now.";

    public AudioFormat OutputFormat => AudioFormat.Pcm16Mono(OutputSampleRate);
}
