namespace VoiceAgent.Providers.OpenAI;

/// <summary>Timeout, retry and circuit-breaker settings of one engine's <see cref="EngineResilience"/>.</summary>
public sealed class EngineResilienceOptions
{
    /// <summary>Per attempt: the whole call, or for a streaming call the time to its first item.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public int MaxRetries { get; set; } = 2;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(300);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A Retry-After longer than this is not waited for: the call fails so a fallback engine can answer now.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(10);

    public double BreakerFailureRatio { get; set; } = 0.5;

    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    public int BreakerMinimumThroughput { get; set; } = 4;

    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Told of every retry and the delay chosen for it (diagnostics and tests).</summary>
    public Action<EngineRetryEvent>? OnRetry { get; set; }

    /// <summary>
    /// The configuration errors of an engine's attempt settings, each naming its key under <paramref name="section"/>:
    /// every engine's options (OpenAI-compatible, DashScope) bind these three the same way.
    /// </summary>
    internal static IEnumerable<string> AttemptErrors(string section, TimeSpan timeout, int maxRetries, TimeSpan retryBaseDelay)
    {
        if (timeout <= TimeSpan.Zero || timeout > TimeSpan.FromMinutes(10))
        {
            yield return $"{section}:Timeout must be between 00:00:00.001 and 00:10:00.";
        }

        if (maxRetries is < 0 or > 10)
        {
            yield return $"{section}:MaxRetries must be between 0 and 10.";
        }

        if (retryBaseDelay < TimeSpan.Zero || retryBaseDelay > TimeSpan.FromSeconds(30))
        {
            yield return $"{section}:RetryBaseDelay must be between 0 and 00:00:30.";
        }
    }

    public static EngineResilienceOptions From(OpenAIEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new EngineResilienceOptions { Timeout = options.Timeout, MaxRetries = options.MaxRetries, RetryBaseDelay = options.RetryBaseDelay };
    }
}
