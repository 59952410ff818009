namespace VoiceAgent.Pipeline.Sessions;

/// <summary>The last N scheduling-lag samples and their median: the measured half of admission, kept apart from its timer so a test can feed it.</summary>
public sealed class SchedulingLagWindow
{
    private readonly double[] _samples;
    private readonly double[] _sorted;
    private readonly Lock _gate = new();
    private int _next;
    private int _count;

    public SchedulingLagWindow(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        _samples = new double[size];
        _sorted = new double[size];
    }

    /// <summary>Samples held (at most the window's size).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    public void Add(double lagMs)
    {
        lock (_gate)
        {
            _samples[_next] = lagMs;
            _next = (_next + 1) % _samples.Length;
            _count = Math.Min(_count + 1, _samples.Length);
        }
    }

    /// <summary>The median of the samples so far (0 with none): a lag that lasts, not one pause.</summary>
    public double Median
    {
        get
        {
            lock (_gate)
            {
                if (_count == 0)
                {
                    return 0;
                }

                // Sorted into a scratch array kept for the purpose: admission asks once per new session, without allocating.
                var window = _sorted.AsSpan(0, _count);
                _samples.AsSpan(0, _count).CopyTo(window);
                window.Sort();
                return _count % 2 == 1 ? window[_count / 2] : (window[(_count / 2) - 1] + window[_count / 2]) / 2;
            }
        }
    }
}
