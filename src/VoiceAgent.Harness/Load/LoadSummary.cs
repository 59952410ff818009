using System.Text.Json;
using System.Text.Json.Serialization;

namespace VoiceAgent.Harness.Load;

/// <summary>The result of a load run; <c>--json</c> prints it as is (snake_case).</summary>
public sealed record LoadSummary(
    int Calls,
    double DurationSeconds,
    int TurnsCompleted,
    long FramesSent,
    Percentiles FrameLagMs,
    double WorstCallFrameLagP95Ms,
    Percentiles VoiceToVoiceMs,
    Percentiles ServerFirstAudioMs,
    int ErrorFrames,
    int DroppedCalls,
    int ConnectFailures,
    IReadOnlyList<string> Failures)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static LoadSummary From(LoadOptions options, IReadOnlyList<CallOutcome> outcomes, double seconds)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(outcomes);
        var lags = outcomes.SelectMany(o => o.FrameLagMs).Select(l => (double)l).ToArray();
        var worst = outcomes.Where(o => o.FrameLagMs.Count > 0).Select(o => Percentiles.Of(o.FrameLagMs.Select(l => (double)l).ToArray()).P95).DefaultIfEmpty(0).Max();
        return new LoadSummary(
            options.Calls,
            Math.Round(seconds, 1),
            outcomes.Sum(o => o.Turns),
            lags.LongLength,
            Percentiles.Of(lags),
            Math.Round(worst, 1),
            Percentiles.Of([.. outcomes.SelectMany(o => o.VoiceToVoiceMs)]),
            Percentiles.Of([.. outcomes.SelectMany(o => o.ServerFirstAudioMs)]),
            outcomes.Sum(o => o.ErrorFrames),
            outcomes.Count(o => o.Dropped),
            outcomes.Count(o => o.ConnectFailed),
            [.. outcomes.Where(o => o.Failure is not null).GroupBy(o => o.Failure!).Select(g => $"{g.Count()}× {g.Key}").Take(10)]);
    }
}

/// <summary>p50/p95/p99/max of a set of samples (nearest rank), with the sample count.</summary>
public sealed record Percentiles(int Count, double P50, double P95, double P99, double Max)
{
    public static Percentiles Of(double[] samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Length == 0)
        {
            return new Percentiles(0, 0, 0, 0, 0);
        }

        Array.Sort(samples);
        double At(double p) => Math.Round(samples[Math.Clamp((int)Math.Ceiling(p * samples.Length) - 1, 0, samples.Length - 1)], 1);
        return new Percentiles(samples.Length, At(0.50), At(0.95), At(0.99), Math.Round(samples[^1], 1));
    }
}
