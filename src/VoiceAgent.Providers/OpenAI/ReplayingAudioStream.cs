namespace VoiceAgent.Providers.OpenAI;

/// <summary>
/// One live audio stream handed to fallback engines in turn, without waiting for its end: what the current engine has
/// read is kept, so that the next engine (when the current one fails before answering) reads it again from the start
/// and then the live rest. Once an engine has answered, nothing more is kept.
/// </summary>
internal sealed class ReplayingAudioStream(Stream source) : IDisposable
{
    private readonly SemaphoreSlim _sourceGate = new(1, 1);
    private readonly MemoryStream _kept = new();
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2213:Disposable fields should be disposed", Justification = "A view is the reader's stream, disposed by its reader; this class only detaches it.")]
    private View? _current;
    private bool _keeping = true;

    /// <summary>A fresh view from the first byte; the previous view stops working (an engine that gave up must not read on).</summary>
    public Stream OpenNext()
    {
        _current?.Detach();
        _current = new View(this);
        return _current;
    }

    /// <summary>An engine answered: no other engine will need the audio again.</summary>
    public void StopKeeping() => _keeping = false;

    public void Dispose()
    {
        _current?.Detach();
        _sourceGate.Dispose();
        _kept.Dispose();
    }

    private async ValueTask<int> ReadAsync(View view, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        await _sourceGate.WaitAsync(cancellationToken);
        try
        {
            view.ThrowIfDetached();
            if (view.Position < _kept.Length)
            {
                var kept = _kept.GetBuffer().AsMemory((int)view.Position, (int)(_kept.Length - view.Position));
                var n = Math.Min(kept.Length, buffer.Length);
                kept[..n].CopyTo(buffer);
                view.Position += n;
                return n;
            }

            var read = await source.ReadAsync(buffer, cancellationToken);
            if (_keeping)
            {
                _kept.Write(buffer.Span[..read]);
            }

            view.Position += read;
            return read;
        }
        finally
        {
            _sourceGate.Release();
        }
    }

    private sealed class View(ReplayingAudioStream owner) : Stream
    {
        private volatile bool _detached;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get; set; }

        public void Detach() => _detached = true;

        public void ThrowIfDetached() => ObjectDisposedException.ThrowIf(_detached, this);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            owner.ReadAsync(this, buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            owner.ReadAsync(this, buffer.AsMemory(offset, count), cancellationToken).AsTask();

        // Engines read asynchronously; a synchronous read of a live source would block a thread-pool thread.
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Read the audio asynchronously.");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
