namespace VoiceAgent.Pipeline.Tts;

/// <summary>One reply's synthesis on a duplex engine: text in as it streams, sentences and audio out as they are made.</summary>
/// <remarks>Disposing it before <see cref="ReadAsync"/> ended stops the engine's work at once (a barge-in).</remarks>
public interface IDuplexSynthesis : IAsyncDisposable
{
    /// <summary>A piece of text, whole sentence or not.</summary>
    Task SendAsync(string text, CancellationToken cancellationToken = default);

    /// <summary>No more text: the engine speaks what it holds, then <see cref="ReadAsync"/> ends.</summary>
    Task CompleteAsync(CancellationToken cancellationToken = default);

    /// <summary>The sentences' starts, word timings and audio in order; one reader; a failure of the engine throws.</summary>
    IAsyncEnumerable<DuplexSpeechUpdate> ReadAsync(CancellationToken cancellationToken = default);
}
