using System.Runtime.InteropServices;

namespace VoiceAgent.Pipeline.Audio;

/// <summary>
/// The "encoders" that need no codec: raw PCM16 little-endian (<c>audio/pcm</c>), or the same behind a streaming WAV
/// header (<c>audio/wav</c>, sizes unknown), written and flushed as the samples come.
/// </summary>
public sealed class PcmStreamEncoder : IAudioEncoder
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2213:Disposable fields should be disposed", Justification = "The output stream is the caller's (a response body): the encoder only writes to it.")]
    private readonly Stream _output;
    private byte[]? _header;

    private PcmStreamEncoder(Stream output, string contentType, byte[]? header)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        ContentType = contentType;
        _header = header;
    }

    public string ContentType { get; }

    public static PcmStreamEncoder Raw(AudioFormat format, Stream output) => new(output, format.ToMediaType(), null);

    public static PcmStreamEncoder Wav(AudioFormat format, Stream output) => new(output, "audio/wav", WavFile.StreamingHeader(format));

    public async ValueTask WriteAsync(ReadOnlyMemory<short> samples, CancellationToken cancellationToken = default)
    {
        await WriteHeaderAsync(cancellationToken).ConfigureAwait(false);
        if (!samples.IsEmpty)
        {
            await _output.WriteAsync(MemoryMarshal.AsBytes(samples.Span).ToArray(), cancellationToken).ConfigureAwait(false);
            await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        await WriteHeaderAsync(cancellationToken).ConfigureAwait(false);
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async ValueTask WriteHeaderAsync(CancellationToken cancellationToken)
    {
        if (_header is { } header)
        {
            _header = null;
            await _output.WriteAsync(header, cancellationToken).ConfigureAwait(false);
        }
    }
}
