using Microsoft.Extensions.Options;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Turns.Detection;

namespace VoiceAgent.Api.Hosting;

/// <summary>
/// End-of-turn detectors, keyed by name; <c>VoiceAgent:Pipeline:Vad:TurnDetector</c> picks the one the voice calls use.
/// A model-based detector is one more keyed registration here, and the stages do not change.
/// </summary>
public static class TurnDetectorRegistration
{
    public static IServiceCollection AddTurnDetectors(this IServiceCollection services)
    {
        services.AddKeyedSingleton<ITurnDetectorFactory>(TranscriptTurnDetector.Name, (sp, _) =>
            new TranscriptTurnDetectorFactory(sp.GetRequiredService<IOptions<PipelineOptions>>().Value.Vad, sp.GetRequiredService<TimeProvider>()));
        services.AddKeyedSingleton<ITurnDetectorFactory>(FixedTurnDetector.Name, (sp, _) =>
            new FixedTurnDetector(TimeSpan.FromMilliseconds(sp.GetRequiredService<IOptions<PipelineOptions>>().Value.Vad.EndSilenceMs)));

        services.AddSingleton(sp =>
        {
            var name = sp.GetRequiredService<IOptions<PipelineOptions>>().Value.Vad.TurnDetector;
            return sp.GetKeyedService<ITurnDetectorFactory>(name)
                ?? throw new InvalidOperationException($"VoiceAgent:Pipeline:Vad:TurnDetector '{name}' is not a registered detector ({TranscriptTurnDetector.Name} or {FixedTurnDetector.Name}).");
        });
        return services;
    }
}
