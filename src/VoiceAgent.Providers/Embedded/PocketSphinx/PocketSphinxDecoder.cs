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

    private readonly PocketSphinxDecoderHandle _handle;
    private int _busy;

    private PocketSphinxDecoder(PocketSphinxDecoderHandle handle) => _handle = handle;

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
            return new PocketSphinxDecoder(PocketSphinxDecoderHandle.Create(config));
        }
    }

    public void StartUtterance()
    {
        Enter();
        try
        {
            Check(NativeMethods.ps_start_utt(_handle), "ps_start_utt");
            InUtterance = true;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Feeds 16 kHz samples and returns the current best hypothesis when <paramref name="wantHypothesis"/>.</summary>
    public unsafe string? Process(ReadOnlySpan<short> samples, bool wantHypothesis)
    {
        Enter();
        try
        {
            if (!samples.IsEmpty)
            {
                fixed (short* p = samples)
                {
                    Check(NativeMethods.ps_process_raw(_handle, p, (nuint)samples.Length, noSearch: 0, fullUtterance: 0), "ps_process_raw");
                }
            }

            return wantHypothesis ? Hypothesis() : null;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Ends the utterance (the final search passes run here) and returns the final text, empty if none.</summary>
    public string EndUtterance()
    {
        Enter();
        try
        {
            InUtterance = false;
            Check(NativeMethods.ps_end_utt(_handle), "ps_end_utt");
            return Hypothesis();
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// The words of the final hypothesis with their frames (call after <see cref="EndUtterance"/>), without silences,
    /// sentence marks and fillers, and with the alternate-pronunciation suffix ("read(2)") taken off.
    /// </summary>
    public List<(string Word, int StartFrame, int EndFrame)> Words()
    {
        Enter();
        try
        {
            // Segment frames count on from earlier utterances of the same decoder (checked: a second pass over the same
            // 1.56 s file gave frames 174..311), so they are made relative to the first segment, the utterance's <s>.
            var words = new List<(string, int, int)>();
            int? origin = null;
            for (var seg = NativeMethods.ps_seg_iter(_handle, out _); seg != nint.Zero; seg = NativeMethods.ps_seg_next(seg))
            {
                var word = Marshal.PtrToStringUTF8(NativeMethods.ps_seg_word(seg)) ?? "";
                NativeMethods.ps_seg_frames(seg, out var start, out var end);
                origin ??= start;
                start -= origin.Value;
                end -= origin.Value;
                if (word.Length == 0 || word[0] is '<' or '[' || word.StartsWith("++", StringComparison.Ordinal))
                {
                    continue;
                }

                var paren = word.IndexOf('(', StringComparison.Ordinal);
                words.Add((paren > 0 ? word[..paren] : word, start, end));
            }

            return words;
        }
        finally
        {
            Exit();
        }
    }

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

    public void Dispose() => _handle.Dispose();

    private string Hypothesis()
    {
        var p = NativeMethods.ps_get_hyp(_handle, out _);
        return p == nint.Zero ? string.Empty : (Marshal.PtrToStringUTF8(p) ?? string.Empty).Trim();
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
