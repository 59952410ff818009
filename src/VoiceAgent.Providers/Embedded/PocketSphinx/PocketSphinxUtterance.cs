using System.Buffers;
using System.Runtime.InteropServices;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Tts;

namespace VoiceAgent.Providers.Embedded.PocketSphinx;

/// <summary>One utterance on lent decoders: turns PCM16LE bytes at any rate into 16 kHz samples for them.</summary>
/// <remarks>
/// Used by one async flow at a time, so the generic decoder's native calls are sequential even when continuations hop
/// threads. With a domain model, a second decoder (the domain search) hears the same samples on the thread pool,
/// chained so that its calls stay in order and never overlap: it keeps pace with the generic search on the other core
/// instead of doubling the time of every chunk, and at the end of the turn both final passes run at once, so the turn
/// waits for the slower of the two, not their sum. With <see cref="PocketSphinxOptions.DomainRescoring"/> there is no
/// second decoder: the generic decoder searches its own lattice again with the domain model at the end of the turn
/// (see <see cref="PocketSphinxDomainRescorer"/>). Partials come from the generic search alone and are never held
/// back. Disposal abandons an unfinished utterance (cancellation, error, early break) and gives the decoders back clean.
/// </remarks>
internal sealed class PocketSphinxUtterance : IDisposable
{
    private readonly PocketSphinxDecoderPool _pool;
    private readonly PocketSphinxDecoderPool? _domainPool;
    private readonly IResampler? _resampler;
    private readonly int _domainMargin;
    private readonly ArrayBufferWriter<short> _resampled = new();
    private PocketSphinxDecoder? _decoder;
    private PocketSphinxDecoder? _domain;

    // The domain decoder's work so far, in order; a fault there drops the domain search, never the turn.
    private Task _domainTail = Task.CompletedTask;
    private byte? _oddByte;
    private string _lastHypothesis = string.Empty;

    private PocketSphinxUtterance(PocketSphinxDecoderPool pool, PocketSphinxDecoderPool? domainPool, IResampler? resampler, int domainMargin)
    {
        _pool = pool;
        _domainPool = domainPool;
        _resampler = resampler;
        _domainMargin = domainMargin;
    }

    /// <summary>16 kHz samples fed so far.</summary>
    public long SamplesFed { get; private set; }

    public TimeSpan Duration => TimeSpan.FromTicks(SamplesFed * TimeSpan.TicksPerSecond / PocketSphinxSpeechToTextClient.DecoderSampleRate);

    /// <summary>Both searches' results after <see cref="EndAsync"/> (the benchmark compares them); null before.</summary>
    public PocketSphinxResult? Result { get; private set; }

    /// <summary>The running cepstral mean the utterance ended with (for the call's next turn), after <see cref="EndAsync"/>.</summary>
    public float[]? Mean { get; private set; }

    /// <summary>The final hypothesis' words with their times in the utterance, after <see cref="EndAsync"/>.</summary>
    public IReadOnlyList<WordTimingContent> Words { get; private set; } = [];

    /// <param name="latticeModel">The domain model the generic decoder rescores its lattice with, if any.</param>
    /// <param name="domainMargin">How much the domain decoder's score must beat the generic one's by (<see cref="PocketSphinxOptions.DomainScoreMargin"/>).</param>
    public static async ValueTask<PocketSphinxUtterance> StartAsync(
        PocketSphinxDecoderPool pool, PocketSphinxDecoderPool? domainPool, PocketSphinxDomainModel? latticeModel, IResampler? resampler,
        PocketSphinxCallMean? callMean, CancellationToken cancellationToken, int domainMargin = 0)
    {
        var utterance = new PocketSphinxUtterance(pool, domainPool, resampler, domainMargin);
        try
        {
            utterance._decoder = await pool.RentAsync(cancellationToken).ConfigureAwait(false);
            utterance._decoder.StartUtterance(callMean, latticeModel);
            if (domainPool is not null)
            {
                utterance._domain = await domainPool.RentAsync(cancellationToken).ConfigureAwait(false);
                utterance._domain.StartUtterance(callMean);
            }
        }
        catch
        {
            utterance.Dispose();
            throw;
        }

        return utterance;
    }

    /// <summary>Feeds bytes as they arrived; returns the hypothesis when <paramref name="wantPartial"/> and it changed, else null.</summary>
    public string? Feed(ReadOnlySpan<byte> bytes, bool wantPartial)
    {
        ObjectDisposedException.ThrowIf(_decoder is null, this);
        if (bytes.IsEmpty)
        {
            return null;
        }

        // Reads from a pipe need not end on a sample boundary: carry a dangling byte to the next read.
        Span<byte> joined = stackalloc byte[2];
        if (_oddByte is { } first)
        {
            joined[0] = first;
            joined[1] = bytes[0];
            _oddByte = null;
            Decode(MemoryMarshal.Cast<byte, short>(joined), wantHypothesis: false);
            bytes = bytes[1..];
        }

        if ((bytes.Length & 1) != 0)
        {
            _oddByte = bytes[^1];
            bytes = bytes[..^1];
        }

        var hypothesis = Decode(MemoryMarshal.Cast<byte, short>(bytes), wantPartial);
        if (string.IsNullOrEmpty(hypothesis) || hypothesis == _lastHypothesis)
        {
            return null;
        }

        _lastHypothesis = hypothesis;
        return hypothesis;
    }

    /// <summary>
    /// Flushes the resampler, ends the utterance and returns the final text (empty for silence): the better-scoring
    /// search's. Both searches finish at once, the generic one on this thread.
    /// </summary>
    public async ValueTask<string> EndAsync()
    {
        var decoder = _decoder ?? throw new ObjectDisposedException(nameof(PocketSphinxUtterance));
        if (_resampler is not null)
        {
            _resampler.Flush(_resampled);
            FeedResampled(wantHypothesis: false);
        }

        Task<(PocketSphinxResult Result, List<(string Word, int StartFrame, int EndFrame)> Words)>? domainEnd = null;
        if (_domain is { } domain)
        {
            domainEnd = _domainTail.ContinueWith(
                previous =>
                {
                    previous.GetAwaiter().GetResult();
                    return domain.EndUtterance();
                },
                CancellationToken.None,
                TaskContinuationOptions.None,
                TaskScheduler.Default);
            _domainTail = domainEnd;
        }

        var (result, words) = decoder.EndUtterance();
        Mean = decoder.Mean;
        if (domainEnd is not null)
        {
            try
            {
                var (domainResult, domainWords) = await domainEnd.ConfigureAwait(false);
                result = new PocketSphinxResult(result.Generic, domainResult.Generic) { Confidence = result.Confidence, DomainMargin = _domainMargin };
                if (result.DomainPicked)
                {
                    words = domainWords;
                }
            }
            catch (InvalidOperationException)
            {
                // The domain decoder faulted (it is freed, not lent again): this turn is the generic search's.
            }
        }

        Result = result;

        // Clamped to the audio fed: the search may count a frame or two of padding at the end.
        var duration = Duration;
        Words = [.. words.Select(w =>
        {
            var start = Min(Frame(w.StartFrame), duration);
            return new WordTimingContent(w.Word, start, Min(Frame(w.EndFrame + 1), duration) - start);
        })];
        return Result.Picked.Text;
    }

    public void Dispose()
    {
        Release(ref _decoder, _pool);
        if (_domainPool is { } domainPool && Interlocked.Exchange(ref _domain, null) is { } domain)
        {
            // The domain decoder goes back once its queued work is done; nothing waits for that here.
            _domainTail.ContinueWith(_ => Release(domain, domainPool), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }

        _resampler?.Dispose();
    }

    // The decoder's frame rate is PocketSphinx's default -frate, 100 frames a second.
    private static TimeSpan Frame(int frame) => TimeSpan.FromMilliseconds(frame * 10L);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static void Release(ref PocketSphinxDecoder? slot, PocketSphinxDecoderPool pool)
    {
        if (Interlocked.Exchange(ref slot, null) is { } decoder)
        {
            Release(decoder, pool);
        }
    }

    private static void Release(PocketSphinxDecoder decoder, PocketSphinxDecoderPool pool)
    {
        try
        {
            decoder.Abandon();
        }
        catch (InvalidOperationException)
        {
            // Abandon marked the decoder faulted; the pool frees it instead of lending it again.
        }
        finally
        {
            pool.Return(decoder);
        }
    }

    private string? Decode(ReadOnlySpan<short> samples, bool wantHypothesis)
    {
        if (_resampler is null)
        {
            return Process(samples, wantHypothesis);
        }

        _resampler.Process(samples, _resampled);
        return FeedResampled(wantHypothesis);
    }

    private string? FeedResampled(bool wantHypothesis)
    {
        var hypothesis = Process(_resampled.WrittenSpan, wantHypothesis);
        _resampled.ResetWrittenCount();
        return hypothesis;
    }

    private string? Process(ReadOnlySpan<short> samples, bool wantHypothesis)
    {
        if (samples.IsEmpty)
        {
            return null;
        }

        SamplesFed += samples.Length;
        if (_domain is { } domain)
        {
            var copy = samples.ToArray();
            _domainTail = _domainTail.ContinueWith(
                previous =>
                {
                    previous.GetAwaiter().GetResult();
                    domain.Process(copy, wantHypothesis: false);
                },
                CancellationToken.None,
                TaskContinuationOptions.None,
                TaskScheduler.Default);
        }

        return _decoder!.Process(samples, wantHypothesis)?.Text;
    }
}
