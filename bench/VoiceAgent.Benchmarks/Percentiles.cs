using System.Globalization;

namespace VoiceAgent.Benchmarks;

/// <summary>Nearest-rank percentiles over a finished list of samples, and the load average, for the console modes.</summary>
public static class Percentiles
{
    public static double Of(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static List<double> Sorted(IEnumerable<double> samples)
    {
        var list = samples.ToList();
        list.Sort();
        return list;
    }

    /// <summary>The 1, 5 and 15 minute load averages as the kernel reports them.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    public static string F(double value, int decimals = 1) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
