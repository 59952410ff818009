namespace VoiceAgent.Providers.Embedded.PocketSphinx;

/// <summary>
/// The live cepstral mean (CMN) inside one decoder: set at every utterance, from the call's own earlier speech or,
/// for a call's first turn, from the turn's own first audio; then refreshed from its frames after every chunk. Nothing
/// of one caller reaches another.
/// </summary>
/// <remarks>
/// PocketSphinx's live CMN (the only kind <c>ps_process_raw(..., full_utt: 0)</c> uses) starts from <c>feat.params</c>'
/// <c>-cmninit</c> (c0 = 41) and moves the mean only at an utterance's end or after 8 s, so a short turn is decoded with
/// the mean of whoever spoke before on this pooled decoder, or with the model's default: wrong for a real voice
/// (c0 ≈ 60). There is no API for either, so this reads and writes sphinxbase's <c>cmn_t</c> through
/// <c>feat_t.cmn_struct</c>. The layouts are those of Debian's sphinxbase 5prealpha (float <c>mfcc_t</c>, 64-bit),
/// checked at creation: 13 coefficients and the model's initial mean, else the decoder is refused.
/// <c>cmn_live</c> adds every frame to <c>sum</c> and <c>nframe</c> and subtracts the current mean, so setting
/// <c>mean = sum / nframe</c> between chunks is the running mean of the utterance so far, with the model's
/// mean weighted as <see cref="PriorFrames"/> frames so the first chunk has something sane to subtract.
/// </remarks>
internal sealed unsafe class PocketSphinxCepstralMean
{
    /// <summary>Weight of the model's initial mean, in frames (10 ms each): small, so a real voice takes over within a few hundred ms.</summary>
    public const int PriorFrames = 10;

    private const int CmnStructOffset = 88; // checked against Debian's libsphinxbase-dev 0.8+5prealpha+1-16 feat.h (x86_64), feat_t: refcount, name, cepsize, n_stream, stream_len, window_size, n_sv, sv_len, subvecs, sv_buf, sv_dim, cmn, varnorm, agc, compute_feat, cmn_struct
    private const int CepstrumLength = 13;

    private readonly CmnStruct* _cmn;
    private readonly float[] _initial;

    private PocketSphinxCepstralMean(CmnStruct* cmn, float[] initial)
    {
        _cmn = cmn;
        _initial = initial;
    }

    /// <summary>Finds the CMN state of <paramref name="feat"/> (a <c>feat_t*</c>); throws if the layout is not the one expected.</summary>
    public static PocketSphinxCepstralMean Attach(nint feat, IReadOnlyList<float> expectedInitial)
    {
        if (feat == nint.Zero)
        {
            throw new InvalidOperationException("ps_get_feat returned no feature object.");
        }

        var cmn = *(CmnStruct**)((byte*)feat + CmnStructOffset);
        if (cmn == null || cmn->VectorLength != CepstrumLength || cmn->Mean == null || cmn->Sum == null
            || (expectedInitial.Count == CepstrumLength && Math.Abs(cmn->Mean[0] - expectedInitial[0]) > 0.01f))
        {
            throw new InvalidOperationException(
                "This sphinxbase's feature layout is not the one VoiceAgent was built for (Debian 0.8+5prealpha): cannot reset its cepstral mean.");
        }

        var initial = new float[CepstrumLength];
        for (var i = 0; i < CepstrumLength; i++)
        {
            initial[i] = cmn->Mean[i];
        }

        return new PocketSphinxCepstralMean(cmn, initial);
    }

    /// <summary>Forgets every earlier utterance: the model's initial mean, weighted as <see cref="PriorFrames"/> frames.</summary>
    public void Reset()
    {
        for (var i = 0; i < CepstrumLength; i++)
        {
            _cmn->Mean[i] = _initial[i];
            _cmn->Sum[i] = _initial[i] * PriorFrames;
        }

        _cmn->FrameCount = PriorFrames;
    }

    /// <summary>
    /// Starts this utterance from the mean of <paramref name="samples"/> (its own first audio), computed by
    /// <paramref name="frontEnd"/> exactly as the decoder computes its cepstra; keeps the model's mean if they hold no speech.
    /// </summary>
    public void Seed(PocketSphinxFrontEndHandle frontEnd, ReadOnlySpan<short> samples)
    {
        const int batch = 128;
        Span<double> sum = stackalloc double[CepstrumLength];
        var frames = 0;
        var cepstra = new float[batch * CepstrumLength];
        var rows = stackalloc float*[batch];
        fixed (short* start = samples)
        fixed (float* buffer = cepstra)
        {
            for (var r = 0; r < batch; r++)
            {
                rows[r] = buffer + (r * CepstrumLength);
            }

            NativeMethods.fe_start_stream(frontEnd);
            if (NativeMethods.fe_start_utt(frontEnd) < 0)
            {
                return;
            }

            var p = start;
            var left = (nuint)samples.Length;
            while (true)
            {
                var produced = batch;
                if (NativeMethods.fe_process_frames(frontEnd, &p, &left, rows, &produced, null) < 0)
                {
                    return;
                }

                frames += Accumulate(rows, produced, sum);
                if (produced == 0 || left == 0)
                {
                    break;
                }
            }

            var last = 0;
            if (NativeMethods.fe_end_utt(frontEnd, rows[0], &last) >= 0)
            {
                frames += Accumulate(rows, last, sum);
            }
        }

        if (frames == 0)
        {
            return;
        }

        for (var i = 0; i < CepstrumLength; i++)
        {
            var mean = (float)(sum[i] / frames);
            _cmn->Mean[i] = mean;
            _cmn->Sum[i] = mean * PriorFrames;
        }

        _cmn->FrameCount = PriorFrames;
    }

    // cmn_live skips frames with negative c0 (no energy); so does the seed.
    private static int Accumulate(float** rows, int count, Span<double> sum)
    {
        var used = 0;
        for (var f = 0; f < count; f++)
        {
            if (rows[f][0] < 0)
            {
                continue;
            }

            for (var i = 0; i < CepstrumLength; i++)
            {
                sum[i] += rows[f][i];
            }

            used++;
        }

        return used;
    }

    /// <summary>Starts from <paramref name="mean"/> (this call's earlier speech), weighted as <paramref name="weight"/> frames.</summary>
    public void Set(IReadOnlyList<float> mean, int weight)
    {
        if (mean.Count != CepstrumLength || weight < 1)
        {
            Reset();
            return;
        }

        for (var i = 0; i < CepstrumLength; i++)
        {
            _cmn->Mean[i] = mean[i];
            _cmn->Sum[i] = mean[i] * weight;
        }

        _cmn->FrameCount = weight;
    }

    /// <summary>The running mean so far (a copy).</summary>
    public float[] Current()
    {
        var mean = new float[CepstrumLength];
        var n = _cmn->FrameCount;
        for (var i = 0; i < CepstrumLength; i++)
        {
            mean[i] = n > 0 ? _cmn->Sum[i] / n : _cmn->Mean[i];
        }

        return mean;
    }

    /// <summary>Makes the mean the running mean of this utterance's frames so far (plus the small prior).</summary>
    public void Refresh()
    {
        var n = _cmn->FrameCount;
        if (n <= 0)
        {
            return;
        }

        for (var i = 0; i < CepstrumLength; i++)
        {
            _cmn->Mean[i] = _cmn->Sum[i] / n;
        }
    }

    // sphinxbase's cmn_t; written by native code only, hence never assigned here.
#pragma warning disable CS0649
    private struct CmnStruct
    {
        public float* Mean;
        public float* Variance;
        public float* Sum;
        public int FrameCount;
        public int VectorLength;
    }
#pragma warning restore CS0649
}
