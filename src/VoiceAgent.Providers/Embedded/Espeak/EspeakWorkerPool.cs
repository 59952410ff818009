using System.Threading.Channels;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Providers.Embedded.Espeak;

/// <summary>Synthesises on up to <see cref="Size"/> eSpeak worker processes at once, so sentences of different calls no longer queue on one lock.</summary>
/// <remarks>
/// Workers start on demand and are kept. A worker that dies or hangs fails the one request it held with an
/// <see cref="EspeakWorkerException"/> (an engine failure: retried or answered by the fallback) and its slot starts a fresh
/// process for the next request. Disposing the pool stops every worker.
/// </remarks>
internal sealed class EspeakWorkerPool : IEspeakSynthesizer
{
    // One entry per slot: an idle worker, or null for a slot whose worker is not started (yet, or any more).
    // Bounded to Size and never full when written to, since only a taken slot is given back.
    private readonly Channel<EspeakWorkerProcess?> _slots;
    private readonly Lock _lock = new();
    private readonly HashSet<EspeakWorkerProcess> _live = [];
    private readonly int _sampleRate;
    private readonly EngineQueueMetrics? _queue;
    private bool _disposed;

    /// <exception cref="InvalidOperationException">The worker program is not beside this assembly.</exception>
    public EspeakWorkerPool(int size, int sampleRate, EngineQueueMetrics? queue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (EspeakWorkerProcess.FindWorker() is null)
        {
            throw new InvalidOperationException($"{EspeakWorkerProcess.WorkerAssembly} is not in {AppContext.BaseDirectory}: build src/VoiceAgent.EspeakWorker, or set VoiceAgent:Tts:Embedded:Workers to 0 to synthesise in-process.");
        }

        Size = size;
        _sampleRate = sampleRate;
        _queue = queue;
        _slots = Channel.CreateBounded<EspeakWorkerProcess?>(new BoundedChannelOptions(size) { FullMode = BoundedChannelFullMode.Wait });
        for (var i = 0; i < size; i++)
        {
            _slots.Writer.TryWrite(null);
        }
    }

    public int Size { get; }

    /// <summary>Called with a worker's pid when a request's first audio arrives from it (tests stop or hold workers here).</summary>
    internal Action<int>? AudioStarted { get; set; }

    /// <summary>The pids of the workers running now.</summary>
    internal IReadOnlyList<int> WorkerProcessIds
    {
        get
        {
            lock (_lock)
            {
                return [.. _live.Select(w => w.ProcessId)];
            }
        }
    }

    public async Task<EspeakRawSynthesis> SynthesizeAsync(EspeakSpeech speech, IResampler resampler, CancellationToken cancellationToken)
    {
        var waitStarted = _queue?.StartWaiting() ?? 0;
        EspeakWorkerProcess? worker;
        try
        {
            worker = await _slots.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            throw new ObjectDisposedException(nameof(EspeakWorkerPool), ex);
        }

        _queue?.Waited("espeak-ng", waitStarted);
        try
        {
            worker ??= await StartWorkerAsync().ConfigureAwait(false);
            return await worker.SynthesizeAsync(speech, resampler, AudioStarted, cancellationToken).ConfigureAwait(false);
        }
        catch (EspeakWorkerException) when (worker is not null)
        {
            Stop(worker);
            worker = null;
            throw;
        }
        finally
        {
            GiveBack(worker);
        }
    }

    /// <summary>Stops every worker, busy or idle; their requests fail.</summary>
    public void Dispose()
    {
        List<EspeakWorkerProcess> workers;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _slots.Writer.TryComplete();
            workers = [.. _live];
            _live.Clear();
        }

        foreach (var worker in workers)
        {
            worker.Dispose();
        }
    }

    private async Task<EspeakWorkerProcess> StartWorkerAsync()
    {
        var worker = await EspeakWorkerProcess.StartAsync(_sampleRate).ConfigureAwait(false);
        lock (_lock)
        {
            if (!_disposed)
            {
                _live.Add(worker);
                return worker;
            }
        }

        worker.Dispose();
        throw new ObjectDisposedException(nameof(EspeakWorkerPool));
    }

    private void Stop(EspeakWorkerProcess worker)
    {
        lock (_lock)
        {
            _live.Remove(worker);
        }

        worker.Dispose();
    }

    // After Dispose the write fails and there is nothing to do: every started worker was live, so it is stopped already.
    private void GiveBack(EspeakWorkerProcess? worker) => _slots.Writer.TryWrite(worker);
}
