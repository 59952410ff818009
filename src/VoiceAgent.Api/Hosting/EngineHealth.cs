namespace VoiceAgent.Api.Hosting;

/// <summary>Whether each configured engine can run: checked at start-up (fail fast) and by <c>/health</c>.</summary>
/// <remarks>
/// Several providers register a check for the same stage; only the configured provider's
/// (<c>VoiceAgent:{Stage}:Provider</c>, default Embedded) is run, so an engine that is not used cannot fail the service.
/// </remarks>
public sealed class EngineHealth(IEnumerable<EngineCheck> checks, IConfiguration configuration)
{
    private static readonly string[] Stages = ["vad", "asr", "llm", "tts"];

    private readonly EngineCheck[] _checks = [.. checks.Where(c =>
        !Stages.Contains(c.Stage)
        || string.Equals(c.Provider, configuration[$"VoiceAgent:{c.Stage}:Provider"] ?? EngineRegistration.Embedded, StringComparison.OrdinalIgnoreCase))];

    public IReadOnlyList<EngineStatus> Check() =>
        [.. _checks.Select(c =>
        {
            string? error;
            try
            {
                error = c.Probe();
            }
            catch (Exception ex)
            {
                error = ex.Message;
            }

            return new EngineStatus(c.Stage, c.Provider, error is null, error);
        })];
}

/// <summary>A probe of one engine: returns null when it can run, else what is missing.</summary>
public sealed record EngineCheck(string Stage, string Provider, Func<string?> Probe);

/// <summary>The outcome of an <see cref="EngineCheck"/>.</summary>
public sealed record EngineStatus(string Stage, string Provider, bool Healthy, string? Error);
