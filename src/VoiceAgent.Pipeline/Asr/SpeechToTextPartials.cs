using Microsoft.Extensions.AI;

namespace VoiceAgent.Pipeline.Asr;

/// <summary>Whether a speech-to-text engine publishes partials while the user speaks; an engine reports it through <c>GetService</c>.</summary>
/// <remarks>
/// A batch engine (an OpenAI-compatible <c>/audio/transcriptions</c>, the load-test engine) says nothing until the turn has
/// ended, so the turn detector cannot wait for words that will never come. An engine that reports nothing is taken to stream.
/// </remarks>
public sealed class SpeechToTextPartials
{
    private SpeechToTextPartials(bool published) => Published = published;

    /// <summary>Partials come while the user speaks.</summary>
    public static SpeechToTextPartials Streamed { get; } = new(true);

    /// <summary>Only the final text, after the turn.</summary>
    public static SpeechToTextPartials None { get; } = new(false);

    public bool Published { get; }

    /// <summary>What <paramref name="engine"/> reports; an engine that says nothing is taken to stream.</summary>
    public static bool PublishedBy(ISpeechToTextClient engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.GetService<SpeechToTextPartials>()?.Published ?? true;
    }
}
