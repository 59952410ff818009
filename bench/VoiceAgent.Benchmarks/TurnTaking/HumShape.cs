namespace VoiceAgent.Benchmarks.TurnTaking;

/// <summary>
/// The acoustic shape of one stretch of speech, window by window: how many windows are "bright" (the energy of the
/// sample-to-sample difference is a large share of the energy: the bursts and hiss of consonants such as t, s, p, k) and
/// how much the level moves over its first windows. A hum through the nose ("mm hmm", "mhm", "hmm") has almost no
/// bright window; words that ask for something have consonants. No allocation per window.
/// </summary>
internal sealed class HumShape
{
    /// <summary>A window is bright when its difference energy is at least this share of its energy (about a 1.4 kHz centroid at 16 kHz).</summary>
    public const double BrightWindow = 0.3;

    /// <summary>Speech with fewer bright windows than this share is hum-like.</summary>
    public const double HumBrightShare = 0.1;

    private const int SpreadWindows = 16;

    private int _windows;
    private int _bright;
    private double _minDb = double.MaxValue;
    private double _maxDb = double.MinValue;

    /// <summary>Speech windows seen.</summary>
    public int Windows => _windows;

    /// <summary>The share of speech windows that are bright (0..1).</summary>
    public double BrightShare => _windows == 0 ? 0 : (double)_bright / _windows;

    /// <summary>Loudest minus quietest of the first 16 speech windows, in dB.</summary>
    public double LevelSpreadDb => _windows == 0 ? 0 : _maxDb - _minDb;

    /// <summary>Enough speech to judge (3 windows), and hardly a consonant in it.</summary>
    public bool HumLike => _windows >= 3 && BrightShare < HumBrightShare;

    public void Reset()
    {
        _windows = _bright = 0;
        _minDb = double.MaxValue;
        _maxDb = double.MinValue;
    }

    /// <summary>One window the VAD called speech.</summary>
    public void Add(ReadOnlySpan<short> window)
    {
        if (window.Length < 2)
        {
            return;
        }

        double energy = 0, difference = 0;
        for (var i = 1; i < window.Length; i++)
        {
            energy += (double)window[i] * window[i];
            var d = (double)window[i] - window[i - 1];
            difference += d * d;
        }

        _windows++;
        if (energy > 0 && difference >= BrightWindow * energy)
        {
            _bright++;
        }

        if (_windows <= SpreadWindows)
        {
            var db = 10 * Math.Log10(Math.Max(1e-10, energy / (window.Length - 1) / (32768.0 * 32768.0)));
            _minDb = Math.Min(_minDb, db);
            _maxDb = Math.Max(_maxDb, db);
        }
    }
}
