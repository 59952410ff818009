namespace VoiceAgent.Api.Hosting;

/// <summary>
/// Whether each engine the configuration uses can run: checked at start-up (fail fast) and by <c>/health</c>.
/// Registered probes of engines the configuration does not use are left out.
/// </summary>
public sealed class EngineHealth(IEnumerable<EngineCheck> checks, IConfiguration configuration)
{
    private readonly EngineCheck[] _checks = [.. checks];

    public IReadOnlyList<EngineStatus> Check() =>
        [.. _checks.Select(c => (Check: c, Role: RoleOf(c))).Where(x => x.Role is not null).Select(x =>
        {
            string? error;
            try
            {
                error = x.Check.Probe();
            }
            catch (Exception ex)
            {
                error = ex.Message;
            }

            return new EngineStatus(x.Role!, x.Check.Provider, error is null, error);
        })];

    /// <summary>"llm" for the stage's provider, "llm-fallback-Embedded" for a fallback, null when the engine is not used.</summary>
    private string? RoleOf(EngineCheck check)
    {
        var section = char.ToUpperInvariant(check.Stage[0]) + check.Stage[1..];
        if (section == "Resampler")
        {
            return check.Stage;
        }

        var primary = configuration[$"VoiceAgent:{section}:Provider"] ?? EngineRegistration.Embedded;
        if (primary == check.Provider)
        {
            return check.Stage;
        }

        return configuration.GetSection($"VoiceAgent:{section}:Fallback").GetChildren().Any(c => c.Value == check.Provider)
            ? $"{check.Stage}-fallback-{check.Provider}"
            : null;
    }
}

/// <summary>A probe of one engine: returns null when it can run, else what is missing.</summary>
public sealed record EngineCheck(string Stage, string Provider, Func<string?> Probe);

/// <summary>The outcome of an <see cref="EngineCheck"/>.</summary>
public sealed record EngineStatus(string Stage, string Provider, bool Healthy, string? Error);
