using System.Globalization;
using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Llm;

namespace VoiceAgent.Providers.Tools;

/// <summary>The tools the service brings itself, each enabled by name in <c>VoiceAgent:Tools:BuiltIn</c>.</summary>
public static class BuiltInTools
{
    public static IReadOnlyList<string> Names { get; } = [ToolNames.EndCall, ToolNames.CurrentTime];

    /// <summary>The enabled built-ins; throws <see cref="ArgumentException"/> for an unknown name or time zone.</summary>
    public static IReadOnlyList<AIFunction> Create(IEnumerable<string> enabled, string timeZone, TimeProvider time)
    {
        var tools = new List<AIFunction>();
        foreach (var name in enabled.Distinct(StringComparer.Ordinal))
        {
            tools.Add(name switch
            {
                ToolNames.EndCall => AIFunctionFactory.Create(
                    () => "The call will close after this reply: say a short goodbye now.",
                    ToolNames.EndCall,
                    "Ends the call. Use it when the caller says goodbye or asks to hang up; then say a short goodbye."),
                ToolNames.CurrentTime => CurrentTime(Zone(timeZone), time),
                _ => throw new ArgumentException($"VoiceAgent:Tools:BuiltIn: '{name}' is not a built-in tool (known: {string.Join(", ", Names)})."),
            });
        }

        return tools;
    }

    private static AIFunction CurrentTime(TimeZoneInfo zone, TimeProvider time) => AIFunctionFactory.Create(
        () =>
        {
            var now = TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone);
            return $"{now.ToString("dddd d MMMM yyyy, HH:mm 'UTC'zzz", CultureInfo.InvariantCulture)} ({zone.Id})";
        },
        ToolNames.CurrentTime,
        "The current date and time.");

    private static TimeZoneInfo Zone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException ex)
        {
            throw new ArgumentException($"VoiceAgent:Tools:TimeZone: '{id}' is not a known time zone.", ex);
        }
    }
}
