using System.Threading.Channels;

namespace VoiceAgent.Providers.Tests.Embedded.PocketSphinx;

/// <summary>A read-only stream fed by a writer, like a socket or pipe: reads return what has arrived and end only when the writer completes.</summary>
public sealed class ChunkedPipeStream : Stream
{
    // Unbounded on purpose: the test writer paces itself and the reader must never make it block.
    private readonly Channel<byte[]> _chunks = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private ReadOnlyMemory<byte> _current;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Makes <paramref name="chunk"/> readable.</summary>
    public void Append(ReadOnlySpan<byte> chunk) => _chunks.Writer.TryWrite(chunk.ToArray()).ShouldBeTrue();

    /// <summary>Ends the stream: reads return 0 once the written chunks are consumed.</summary>
    public void Complete() => _chunks.Writer.TryComplete();

    /// <summary>Writes <paramref name="samples"/> in <paramref name="chunkMs"/> pieces, pausing between them as a live source would, then completes.</summary>
    public async Task FeedAsync(short[] samples, int sampleRate = 16_000, int chunkMs = 40, int pauseMs = 0, CancellationToken cancellationToken = default)
    {
        var bytes = TestSpeech.ToBytes(samples);
        var chunk = sampleRate * chunkMs / 1000 * 2;
        for (var offset = 0; offset < bytes.Length; offset += chunk)
        {
            Append(bytes.AsSpan(offset, Math.Min(chunk, bytes.Length - offset)));
            if (pauseMs > 0)
            {
                await Task.Delay(pauseMs, cancellationToken);
            }
        }

        Complete();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_current.IsEmpty)
        {
            if (!await _chunks.Reader.WaitToReadAsync(cancellationToken))
            {
                return 0;
            }

            _chunks.Reader.TryRead(out var next);
            _current = next;
        }

        var n = Math.Min(buffer.Length, _current.Length);
        _current[..n].CopyTo(buffer);
        _current = _current[n..];
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Read asynchronously.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
