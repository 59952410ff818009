using System.ComponentModel.DataAnnotations;

namespace VoiceAgent.Providers.Embedded.Espeak;

/// <summary>Settings of the embedded eSpeak NG text-to-speech engine (section <c>VoiceAgent:Tts:Espeak</c>).</summary>
public sealed class EspeakOptions
{
    /// <summary>Voice used when a request names neither a voice nor a language: a language code (<c>en</c>, <c>en-us</c>, <c>cmn</c>) or a voice file.</summary>
    [Required]
    public string DefaultVoice { get; set; } = "en";

    /// <summary>Rate of the PCM16 mono output; eSpeak's own 22 050 Hz is resampled to it.</summary>
    [Range(8_000, 48_000)]
    public int OutputSampleRate { get; set; } = 16_000;

    /// <summary>Speaking rate in words per minute at speed 1.0 (eSpeak accepts 80–450).</summary>
    [Range(80, 450)]
    public int Rate { get; set; } = 175;

    /// <summary>Base pitch at pitch 1.0, 0–100 (50 is eSpeak's normal).</summary>
    [Range(0, 100)]
    public int Pitch { get; set; } = 50;

    /// <summary>eSpeak worker processes that synthesise in parallel; unset means one per core. 0 or 1 synthesises in the service's own process, one sentence at a time.</summary>
    [Range(0, 64)]
    public int? Workers { get; set; }

    /// <summary>Length of each streamed audio chunk in milliseconds.</summary>
    [Range(10, 1_000)]
    public int ChunkMs { get; set; } = 40;
}
