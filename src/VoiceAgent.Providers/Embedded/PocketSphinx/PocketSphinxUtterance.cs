using System.Runtime.InteropServices;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Tts;

namespace VoiceAgent.Providers.Embedded.PocketSphinx;

/// <summary>One utterance on a lent decoder: turns PCM16LE bytes at any rate into 16 kHz samples for it.</summary>
/// <remarks>
/// Used by one async flow at a time, so its native calls are sequential even when continuations hop threads.
/// Disposal abandons an unfinished utterance (cancellation, error, early break) and gives the decoder back clean.
/// </remarks>
internal sealed class PocketSphinxUtterance : IDisposable
{
    private readonly PocketSphinxDecoderPool _pool;
    private readonly IResampler? _resampler;
    private readonly List<short> _resampled = [];
    private PocketSphinxDecoder? _decoder;
    private byte? _oddByte;
    private string _lastHypothesis = string.Empty;

    private PocketSphinxUtterance(PocketSphinxDecoderPool pool, PocketSphinxDecoder decoder, IResampler? resampler)
    {
        _pool = pool;
        _decoder = decoder;
        _resampler = resampler;
    }

    /// <summary>16 kHz samples fed so far.</summary>
    public long SamplesFed { get; private set; }

    public TimeSpan Duration => TimeSpan.FromTicks(SamplesFed * TimeSpan.TicksPerSecond / PocketSphinxSpeechToTextClient.DecoderSampleRate);

    public static async ValueTask<PocketSphinxUtterance> StartAsync(
        PocketSphinxDecoderPool pool, IResampler? resampler, CancellationToken cancellationToken)
    {
        PocketSphinxDecoder decoder;
        try
        {
            decoder = await pool.RentAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            resampler?.Dispose();
            throw;
        }

        var utterance = new PocketSphinxUtterance(pool, decoder, resampler);
        try
        {
            decoder.StartUtterance();
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
        var decoder = _decoder ?? throw new ObjectDisposedException(nameof(PocketSphinxUtterance));
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
            Decode(decoder, MemoryMarshal.Cast<byte, short>(joined), wantHypothesis: false);
            bytes = bytes[1..];
        }

        if ((bytes.Length & 1) != 0)
        {
            _oddByte = bytes[^1];
            bytes = bytes[..^1];
        }

        var hypothesis = Decode(decoder, MemoryMarshal.Cast<byte, short>(bytes), wantPartial);
        if (string.IsNullOrEmpty(hypothesis) || hypothesis == _lastHypothesis)
        {
            return null;
        }

        _lastHypothesis = hypothesis;
        return hypothesis;
    }

    /// <summary>Flushes the resampler, ends the utterance and returns the final text (empty for silence).</summary>
    public string End()
    {
        var decoder = _decoder ?? throw new ObjectDisposedException(nameof(PocketSphinxUtterance));
        if (_resampler is not null)
        {
            _resampler.Flush(_resampled);
            FeedResampled(decoder, wantHypothesis: false);
        }

        var text = decoder.EndUtterance();
        // Clamped to the audio fed: the search may count a frame or two of padding at the end.
        var duration = Duration;
        Words = [.. decoder.Words().Select(w =>
        {
            var start = Min(Frame(w.StartFrame), duration);
            return new WordTimingContent(w.Word, start, Min(Frame(w.EndFrame + 1), duration) - start);
        })];
        return text;
    }

    /// <summary>The final hypothesis' words with their times in the utterance, after <see cref="End"/>.</summary>
    public IReadOnlyList<WordTimingContent> Words { get; private set; } = [];

    // The decoder's frame rate is PocketSphinx's default -frate, 100 frames a second.
    private static TimeSpan Frame(int frame) => TimeSpan.FromMilliseconds(frame * 10L);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    public void Dispose()
    {
        var decoder = Interlocked.Exchange(ref _decoder, null);
        if (decoder is null)
        {
            return;
        }

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
            _resampler?.Dispose();
            _pool.Return(decoder);
        }
    }

    private string? Decode(PocketSphinxDecoder decoder, ReadOnlySpan<short> samples, bool wantHypothesis)
    {
        if (_resampler is null)
        {
            SamplesFed += samples.Length;
            return decoder.Process(samples, wantHypothesis);
        }

        _resampler.Process(samples, _resampled);
        return FeedResampled(decoder, wantHypothesis);
    }

    private string? FeedResampled(PocketSphinxDecoder decoder, bool wantHypothesis)
    {
        var samples = CollectionsMarshal.AsSpan(_resampled);
        SamplesFed += samples.Length;
        var hypothesis = decoder.Process(samples, wantHypothesis);
        _resampled.Clear();
        return hypothesis;
    }
}
