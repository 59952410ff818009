using Microsoft.Extensions.Logging;
using VoiceAgent.Providers.OpenAI;

namespace VoiceAgent.Providers.DashScope;

/// <summary>One-line construction of the DashScope speech engines already wrapped in their resilience pipelines.</summary>
// Each Create hands its engine and resilience pipeline to the resilient client, which disposes both.
#pragma warning disable CA2000
public static class DashScopeEngines
{
    public const string DefaultTtsModel = "cosyvoice-v2";
    public const string DefaultAsrModel = "paraformer-realtime-v2";

    /// <param name="outputSampleRate">The pipeline's rate (<c>VoiceAgent:Tts:OutputSampleRate</c>): asked of CosyVoice when <see cref="DashScopeEngineOptions.SampleRate"/> is 0.</param>
    public static ResilientTextToSpeechClient CreateTextToSpeechClient(
        DashScopeEngineOptions options, int outputSampleRate, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, EngineMetrics? metrics = null, string section = "VoiceAgent:Tts:DashScope")
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid(section);
        return new ResilientTextToSpeechClient(new DashScopeTextToSpeechClient(options, outputSampleRate, timeProvider), Resilience(options, timeProvider, loggerFactory, metrics));
    }

    public static LiveResilientSpeechToTextClient CreateSpeechToTextClient(
        DashScopeEngineOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, EngineMetrics? metrics = null, string section = "VoiceAgent:Asr:DashScope")
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid(section);
        return new LiveResilientSpeechToTextClient(new DashScopeSpeechToTextClient(options, timeProvider), Resilience(options, timeProvider, loggerFactory, metrics));
    }

    private static EngineResilience Resilience(DashScopeEngineOptions options, TimeProvider? timeProvider, ILoggerFactory? loggerFactory, EngineMetrics? metrics) =>
        new(options.Name, options.ToResilience(), timeProvider, metrics, loggerFactory?.CreateLogger("VoiceAgent.Engines." + options.Name));
}
#pragma warning restore CA2000
