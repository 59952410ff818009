using System.Runtime.InteropServices;

namespace VoiceAgent.Providers.Embedded.PocketSphinx;

/// <summary>One native decoder and its utterance state; the only caller of <see cref="NativeMethods"/> besides the handles.</summary>
/// <remarks>
/// PocketSphinx crashes the process when two threads use one decoder at once. The pool hands a decoder to one
/// utterance at a time, and an utterance calls it sequentially (possibly from different threads, which is fine);
/// <see cref="Enter"/> turns any overlap that slips through into an exception instead of a crash.
/// </remarks>
internal sealed class PocketSphinxDecoder : IDisposable
{
    // Serializes decoder creation process-wide: ps_init touches sphinxbase's process-wide log stream and is not
    // documented as thread-safe. Creation is rare (a pool fills once), so the cost is nil. Immutable reference.
    private static readonly Lock CreationLock = new();

    /// <summary>
    /// Audio a call's first turn is decoded with a provisional mean before it restarts (500 ms at 16 kHz): nothing is
    /// held back, the partials flow from the first chunk, and at this point the utterance is decoded again from its
    /// start with the mean of these samples (a cost paid once, while the user is still speaking, not at end of turn).
    /// </summary>
    internal const int RestartSamples = 8_000;

    private readonly PocketSphinxDecoderHandle _handle;
    private readonly PocketSphinxCepstralMean _cmn;
    private readonly PocketSphinxFrontEndHandle _frontEnd;
    private readonly PocketSphinxDomainRescorer _domain;
    private readonly PocketSphinxDomainInterpolation? _interpolation;
    private readonly List<short> _held = [];
    private PocketSphinxDomainModel? _refusedModel;
    private bool _restartPending;
    private int _busy;

    private PocketSphinxDecoder(PocketSphinxDecoderHandle handle, PocketSphinxCepstralMean cmn, PocketSphinxFrontEndHandle frontEnd, PocketSphinxOptions options)
    {
        _handle = handle;
        _cmn = cmn;
        _frontEnd = frontEnd;
        _domain = new PocketSphinxDomainRescorer(handle, options);
        _interpolation = options.InterpolatesDomainModel ? new PocketSphinxDomainInterpolation(handle, options.DomainInterpolationWeight, options.LanguageWeight) : null;
    }

    /// <summary>True between <see cref="StartUtterance"/> and <see cref="EndUtterance"/> or <see cref="Abandon"/>.</summary>
    public bool InUtterance { get; private set; }

    /// <summary>True once a native call failed: the decoder's state is unknown and it must not be reused.</summary>
    public bool Faulted { get; private set; }

    /// <summary>Loads the models (0.3–0.8 s and ~91 MiB with the generic language model).</summary>
    public static PocketSphinxDecoder Create(PocketSphinxOptions options)
    {
        lock (CreationLock)
        {
            // Logging is process-wide in sphinxbase. Turning it off (rather than -logfn /dev/null, which reopens and
            // fcloses a global FILE* on every ps_init) cannot race with another decoder writing its log.
            NativeMethods.err_set_logfp(nint.Zero);
            using var config = PocketSphinxConfigHandle.Parse(options.ToArguments());
#pragma warning disable CA2000 // Owned by the decoder returned below, or disposed in the catch.
            var handle = PocketSphinxDecoderHandle.Create(config);
#pragma warning restore CA2000
            PocketSphinxFrontEndHandle? frontEnd = null;
            try
            {
                var cmn = PocketSphinxCepstralMean.Attach(NativeMethods.ps_get_feat(handle), options.InitialCepstralMean());
#pragma warning disable CA2000 // Owned by the decoder returned below, or disposed in the catch.
                frontEnd = PocketSphinxFrontEndHandle.Create(handle);
#pragma warning restore CA2000
                return new PocketSphinxDecoder(handle, cmn, frontEnd, options);
            }
            catch
            {
                frontEnd?.Dispose();
                handle.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// Starts an utterance normalised with <paramref name="callMean"/> (the running mean this call's earlier speech left),
    /// or, without one, with the model's default until <see cref="RestartSamples"/> of its own audio can tell the
    /// speaker's mean. Whatever this pooled decoder heard before (another caller's mean, noise estimate) is overwritten.
    /// <paramref name="domainModel"/> is loaded first if it is not the one loaded (null: the generic search alone).
    /// </summary>
    public void StartUtterance(PocketSphinxCallMean? callMean = null, PocketSphinxDomainModel? domainModel = null)
    {
        Enter();
        try
        {
            if (!ReferenceEquals(domainModel, _refusedModel))
            {
                UseDomainModelCore(domainModel);
            }

            Begin();
            _held.Clear();
            if (callMean is { } seed)
            {
                _cmn.Set(seed.Mean, seed.Weight);
                _restartPending = false;
            }
            else
            {
                _cmn.Reset();
                _restartPending = true;
            }

            InUtterance = true;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Feeds 16 kHz samples and returns the current best hypothesis when <paramref name="wantHypothesis"/>.</summary>
    public PocketSphinxHypothesis? Process(ReadOnlySpan<short> samples, bool wantHypothesis)
    {
        Enter();
        try
        {
            Feed(samples);
            if (_restartPending)
            {
                _held.AddRange(samples);
                if (_held.Count >= RestartSamples)
                {
                    Restart();
                }
            }

            return wantHypothesis ? Hypothesis() : null;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Loads <paramref name="domainModel"/> now, between utterances (so a turn does not pay for it); throws
    /// <see cref="InvalidOperationException"/> if PocketSphinx refuses it, and the decoder then runs the generic search alone.
    /// </summary>
    public void UseDomainModel(PocketSphinxDomainModel? domainModel)
    {
        Enter();
        try
        {
            UseDomainModelCore(domainModel);
            if (_refusedModel is not null)
            {
                throw new InvalidOperationException("PocketSphinx refused the domain model; the generic search runs alone.");
            }
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Ends the utterance (the final search passes run here) and returns both searches' final hypotheses (empty text if
    /// none) and the picked one's words with their frames, without silences, sentence marks and fillers, and with the
    /// alternate-pronunciation suffix ("read(2)") taken off.
    /// </summary>
    public (PocketSphinxResult Result, List<(string Word, int StartFrame, int EndFrame)> Words) EndUtterance()
    {
        Enter();
        try
        {
            InUtterance = false;
            if (_restartPending)
            {
                // A turn shorter than the restart point: decoded again with its own mean, as a full-utterance pass would.
                Restart();
            }

            // Read before ps_end_utt, whose cmn_live_update decays the sums.
            Mean = _cmn.Current();
            Check(NativeMethods.ps_end_utt(_handle), "ps_end_utt");

            // The generic path first: rescoring rewrites the lattice's best path, which the segment iterator follows.
            var generic = Hypothesis();
            var words = Words();
            var confidence = Confidence();
            if (_domain.Rescore() is not { } domain)
            {
                return (new PocketSphinxResult(generic, null) { Confidence = confidence }, words);
            }

            // Scores of both paths from the same lattice pass, so they differ only in their language model.
            var result = new PocketSphinxResult(generic with { Score = domain.GenericScore }, domain.Domain) { Confidence = confidence };
            return (result, domain.Domain.Score > domain.GenericScore ? domain.Words : words);
        }
        finally
        {
            Exit();
        }
    }

    private void UseDomainModelCore(PocketSphinxDomainModel? domainModel)
    {
        try
        {
            if (_interpolation is not null)
            {
                _interpolation.Use(domainModel);
            }
            else
            {
                _domain.Use(domainModel);
            }

            _refusedModel = null;
        }
        catch (InvalidOperationException)
        {
            // Remembered so that every later turn does not try again; the generic search keeps working.
            _refusedModel = domainModel;
            if (_interpolation is not null)
            {
                _interpolation.Use(null);
            }
            else
            {
                _domain.Use(null);
            }
        }
    }

    /// <summary>The word as the text shows it: null for silences, sentence marks and fillers; "read(2)" becomes "read".</summary>
    internal static string? SpokenWord(string? word)
    {
        if (string.IsNullOrEmpty(word) || word[0] is '<' or '[' || word.StartsWith("++", StringComparison.Ordinal))
        {
            return null;
        }

        var paren = word.IndexOf('(', StringComparison.Ordinal);
        return paren > 0 ? word[..paren] : word;
    }

    private List<(string Word, int StartFrame, int EndFrame)> Words()
    {
        // Segment frames count on from earlier utterances of the same decoder (checked: a second pass over the same
        // 1.56 s file gave frames 174..311), so they are made relative to the first segment, the utterance's <s>.
        var words = new List<(string, int, int)>();
        int? origin = null;
        for (var seg = NativeMethods.ps_seg_iter(_handle, out _); seg != nint.Zero; seg = NativeMethods.ps_seg_next(seg))
        {
            NativeMethods.ps_seg_frames(seg, out var start, out var end);
            origin ??= start;
            if (SpokenWord(Marshal.PtrToStringUTF8(NativeMethods.ps_seg_word(seg))) is { } word)
            {
                words.Add((word, start - origin.Value, end - origin.Value));
            }
        }

        return words;
    }

    /// <summary>
    /// The generic hypothesis' posteriors, read from the lattice the best-path pass left (so before any rescoring). The
    /// posteriors come from the forward-backward pass that <c>ps_get_hyp</c> already ran: reading them costs nothing more.
    /// </summary>
    private PocketSphinxConfidence Confidence()
    {
        var logmath = NativeMethods.ps_get_logmath(_handle);
        var utterance = Probability(logmath, NativeMethods.ps_get_prob(_handle));
        double min = 1, sum = 0;
        var count = 0;
        for (var seg = NativeMethods.ps_seg_iter(_handle, out _); seg != nint.Zero; seg = NativeMethods.ps_seg_next(seg))
        {
            if (SpokenWord(Marshal.PtrToStringUTF8(NativeMethods.ps_seg_word(seg))) is not null)
            {
                var p = Probability(logmath, NativeMethods.ps_seg_prob(seg, out _, out _, out _));
                min = Math.Min(min, p);
                sum += p;
                count++;
            }
        }

        return new PocketSphinxConfidence(utterance, min, count == 0 ? 1 : sum / count);
    }

    // A log posterior above 0 is rounding in the lattice's sums; a probability is at most 1.
    private static double Probability(nint logmath, int logValue) =>
        Math.Min(1, Math.Exp(NativeMethods.logmath_log_to_ln(logmath, logValue)));

    /// <summary>Ends an unfinished utterance and drops its result, so the next <see cref="StartUtterance"/> succeeds.</summary>
    public void Abandon()
    {
        if (!InUtterance)
        {
            return;
        }

        Enter();
        try
        {
            InUtterance = false;
            Check(NativeMethods.ps_end_utt(_handle), "ps_end_utt");
        }
        finally
        {
            Exit();
        }
    }

    public void Dispose()
    {
        // The front end holds a native reference on the decoder's config: free it first.
        _frontEnd.Dispose();
        _handle.Dispose();
    }

    /// <summary>The running cepstral mean at the end of the last utterance (what the call's next turn starts from).</summary>
    public float[]? Mean { get; private set; }

    private void Begin()
    {
        // ps_start_stream resets the front end's noise estimate, which would otherwise carry the last caller's noise.
        Check(NativeMethods.ps_start_stream(_handle), "ps_start_stream");
        Check(NativeMethods.ps_start_utt(_handle), "ps_start_utt");
    }

    /// <summary>Drops the provisional decode and decodes the held audio again from the start with its own mean.</summary>
    private void Restart()
    {
        _restartPending = false;
        Check(NativeMethods.ps_end_utt(_handle), "ps_end_utt");
        Begin();
        var held = CollectionsMarshal.AsSpan(_held);
        _cmn.Reset();
        _cmn.Seed(_frontEnd, held);
        Feed(held);
        _held.Clear();
    }

    private unsafe void Feed(ReadOnlySpan<short> samples)
    {
        if (samples.IsEmpty)
        {
            return;
        }

        fixed (short* p = samples)
        {
            Check(NativeMethods.ps_process_raw(_handle, p, (nuint)samples.Length, noSearch: 0, fullUtterance: 0), "ps_process_raw");
        }

        // The next chunk is normalised with the mean of this utterance so far, not the model's default.
        _cmn.Refresh();
    }

    private PocketSphinxHypothesis Hypothesis()
    {
        var p = NativeMethods.ps_get_hyp(_handle, out var score);
        return p == nint.Zero
            ? new PocketSphinxHypothesis(string.Empty, int.MinValue)
            : new PocketSphinxHypothesis((Marshal.PtrToStringUTF8(p) ?? string.Empty).Trim(), score);
    }

    private void Check(int result, string function)
    {
        if (result < 0)
        {
            Faulted = true;
            throw new InvalidOperationException($"PocketSphinx {function} failed ({result}).");
        }
    }

    private void Enter()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException("A PocketSphinx decoder was called from two threads at once.");
        }
    }

    private void Exit() => Volatile.Write(ref _busy, 0);
}
