namespace VoiceAgent.Benchmarks.TurnTaking;

/// <summary>
/// How periodic a 16 kHz frame is: the largest normalised autocorrelation over the lags of a human voice's pitch
/// (70–400 Hz). One talker's vowels score 0.8–0.95; several voices at once (babble) blur each other's periods and score
/// lower. Allocation-free after construction; one per call.
/// </summary>
internal sealed class VoicingMeter
{
    // At 8 kHz (the frame is halved first: pitch lives far below 4 kHz, and it quarters the work): 400 Hz .. 70 Hz.
    private const int MinLag = 20;
    private const int MaxLag = 114;
    private readonly float[] _x;

    public VoicingMeter(int maxFrameSamples = 512) => _x = new float[maxFrameSamples / 2];

    /// <summary>0 for silence or noise, up to 1 for a perfectly periodic frame.</summary>
    public double Periodicity(ReadOnlySpan<short> frame)
    {
        var n = Math.Min(frame.Length / 2, _x.Length);
        if (n <= MaxLag + MinLag)
        {
            return 0;
        }

        double mean = 0;
        for (var i = 0; i < n; i++)
        {
            _x[i] = (frame[2 * i] + frame[(2 * i) + 1]) * 0.5f;
            mean += _x[i];
        }

        mean /= n;
        for (var i = 0; i < n; i++)
        {
            _x[i] -= (float)mean;
        }

        var x = _x.AsSpan(0, n);
        var best = 0.0;
        for (var lag = MinLag; lag <= MaxLag; lag++)
        {
            double cross = 0, head = 0, tail = 0;
            for (var i = 0; i + lag < n; i++)
            {
                cross += x[i] * x[i + lag];
                head += x[i] * x[i];
                tail += x[i + lag] * x[i + lag];
            }

            if (cross > 0 && head > 0 && tail > 0)
            {
                best = Math.Max(best, cross / Math.Sqrt(head * tail));
            }
        }

        return best;
    }
}
