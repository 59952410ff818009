namespace VoiceAgent.Pipeline.Audio;

/// <summary>
/// A streaming encoder from PCM16 mono to one file format, writing what it has encoded to an output stream as it goes,
/// so a listener gets the first bytes while later audio is still being made.
/// </summary>
public interface IAudioEncoder : IAsyncDisposable
{
    /// <summary>The media type of what is written (<c>audio/mpeg</c>, <c>audio/ogg</c>, ...).</summary>
    string ContentType { get; }

    /// <summary>Encodes PCM16 mono samples at the rate the encoder was made for; encoded bytes are written and flushed.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<short> samples, CancellationToken cancellationToken = default);

    /// <summary>Ends the stream: encodes what is buffered, writes the trailer and flushes. Nothing may be written after.</summary>
    ValueTask CompleteAsync(CancellationToken cancellationToken = default);
}
