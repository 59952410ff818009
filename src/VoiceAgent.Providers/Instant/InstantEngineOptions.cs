namespace VoiceAgent.Providers.Instant;

/// <summary>What the instant load-test engines say (configuration section <c>VoiceAgent:Instant</c>).</summary>
public sealed class InstantEngineOptions
{
    public const string SectionName = "VoiceAgent:Instant";

    /// <summary>The text every recognition returns, whatever was said.</summary>
    public string Transcript { get; set; } = "benchmark question";

    /// <summary>The reply to every chat request: two sentences, so the sentence splitter and TTS run twice per turn.</summary>
    public string Reply { get; set; } = "This is an instant reply. It costs the service nothing to think of.";

    /// <summary>Milliseconds of tone synthesised per word.</summary>
    public int MillisecondsPerWord { get; set; } = 150;

    /// <summary>Size of the streamed audio chunks, in milliseconds.</summary>
    public int ChunkMs { get; set; } = 40;

    /// <summary>The synthesised audio's sample rate; the registration sets the service's output rate.</summary>
    public int OutputSampleRate { get; set; } = 16_000;
}
