namespace VoiceAgent.Providers.Embedded.PocketSphinx;

/// <summary>A bounded pool of decoders, created on first need, each lent to one utterance at a time.</summary>
/// <remarks>
/// Decoders cost ~0.5 s and ~91 MiB each, so the pool is sized for concurrent utterances, not open calls.
/// Idle decoders are reused last-in first-out, so a lightly loaded service keeps using one warm decoder.
/// </remarks>
internal sealed class PocketSphinxDecoderPool : IDisposable
{
    private readonly Func<PocketSphinxDecoder> _create;

    // Not disposed: a late RentAsync must see ObjectDisposedException from our own check, and SemaphoreSlim only
    // owns an OS handle if AvailableWaitHandle is touched, which it never is here.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2213:Disposable fields should be disposed", Justification = "See the comment above: a late renter must get ObjectDisposedException from the pool's own check.")]
    private readonly SemaphoreSlim _slots;
    private readonly Stack<PocketSphinxDecoder> _idle = new();
    private readonly Lock _gate = new();
    private readonly EngineQueueMetrics? _queue;
    private int _created;
    private bool _disposed;

    public PocketSphinxDecoderPool(int maxDecoders, Func<PocketSphinxDecoder> create, EngineQueueMetrics? queue = null)
    {
        _queue = queue;
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDecoders, 1);
        _create = create;
        _slots = new SemaphoreSlim(maxDecoders, maxDecoders);
        MaxDecoders = maxDecoders;
    }

    public int MaxDecoders { get; }

    /// <summary>Decoders created so far (alive or discarded after a fault).</summary>
    public int Created => Volatile.Read(ref _created);

    /// <summary>Waits for a free slot (honouring <paramref name="cancellationToken"/>) and lends a decoder, creating it if none is idle.</summary>
    public async ValueTask<PocketSphinxDecoder> RentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        var waitStarted = _queue?.StartWaiting() ?? 0;
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        _queue?.Waited("pocketsphinx", waitStarted);
        try
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_idle.TryPop(out var idle))
                {
                    return idle;
                }
            }

            // Outside the gate: loading takes half a second and must not hold up returns to the pool.
            var decoder = _create();
            Interlocked.Increment(ref _created);
            return decoder;
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    /// <summary>Loads one decoder now and keeps it idle, so a model the library rejects fails here rather than in a turn.</summary>
    public void Preload()
    {
        var decoder = _create();
        Interlocked.Increment(ref _created);
        lock (_gate)
        {
            if (!_disposed)
            {
                _idle.Push(decoder);
                return;
            }
        }

        decoder.Dispose();
    }

    /// <summary>
    /// Runs <paramref name="action"/> on every idle decoder now (while none can be lent); decoders lent out are not
    /// touched. An exception from <paramref name="action"/> leaves the rest untouched and reaches the caller.
    /// </summary>
    public void ForEachIdle(Action<PocketSphinxDecoder> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        lock (_gate)
        {
            foreach (var decoder in _idle)
            {
                action(decoder);
            }
        }
    }

    /// <summary>Takes a decoder back; a faulted or unfinished one, or any after disposal, is freed instead.</summary>
    public void Return(PocketSphinxDecoder decoder)
    {
        var keep = !decoder.Faulted && !decoder.InUtterance;
        lock (_gate)
        {
            keep &= !_disposed;
            if (keep)
            {
                _idle.Push(decoder);
            }
        }

        if (!keep)
        {
            decoder.Dispose();
        }

        _slots.Release();
    }

    /// <summary>Frees idle decoders now; decoders still lent out are freed when they come back.</summary>
    public void Dispose()
    {
        PocketSphinxDecoder[] idle;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            idle = [.. _idle];
            _idle.Clear();
        }

        foreach (var decoder in idle)
        {
            decoder.Dispose();
        }
    }
}
