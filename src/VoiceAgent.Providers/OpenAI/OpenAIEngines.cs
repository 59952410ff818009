using Microsoft.Extensions.Logging;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>One-line construction of OpenAI-compatible engines already wrapped in their resilience pipelines.</summary>
/// <remarks>
/// Options are validated first; <paramref name="section"/> is the configuration path used in the messages.
/// Pass one shared <see cref="EngineMetrics"/> for the whole process; without one each engine gets its own meter.
/// Several engines for one stage: wrap their results in <see cref="FallbackChatClient"/> (and the ASR/TTS equivalents).
/// </remarks>
// Each Create hands its engine and resilience pipeline to the Resilient* client, which disposes both.
#pragma warning disable CA2000
public static class OpenAIEngines
{
    public static ResilientChatClient CreateChatClient(
        OpenAIEngineOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, EngineMetrics? metrics = null, string section = "VoiceAgent:Llm:OpenAI")
    {
        Validate(options, section);
        return new ResilientChatClient(new OpenAIChatClient(options), CreateResilience(options, timeProvider, loggerFactory, metrics));
    }

    public static ResilientSpeechToTextClient CreateSpeechToTextClient(
        OpenAIEngineOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, EngineMetrics? metrics = null, string section = "VoiceAgent:Asr:OpenAI")
    {
        Validate(options, section);
        return new ResilientSpeechToTextClient(new OpenAISpeechToTextClient(options), CreateResilience(options, timeProvider, loggerFactory, metrics));
    }

    /// <param name="outputSampleRate">The rate the pipeline speaks at (<c>VoiceAgent:Tts:OutputSampleRate</c>); the server's 24 kHz is resampled to it.</param>
    public static ResilientTextToSpeechClient CreateTextToSpeechClient(
        OpenAIEngineOptions options, int outputSampleRate, IResamplerFactory resamplerFactory, TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null, EngineMetrics? metrics = null, string section = "VoiceAgent:Tts:OpenAI")
    {
        Validate(options, section);
        var inner = new OpenAITextToSpeechClient(options, outputSampleRate, resamplerFactory);
        return new ResilientTextToSpeechClient(inner, CreateResilience(options, timeProvider, loggerFactory, metrics));
    }

#pragma warning restore CA2000

    private static void Validate(OpenAIEngineOptions options, string section)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid(section);
    }

    private static EngineResilience CreateResilience(OpenAIEngineOptions options, TimeProvider? timeProvider, ILoggerFactory? loggerFactory, EngineMetrics? metrics) =>
        new(options.Name, EngineResilienceOptions.From(options), timeProvider, metrics, loggerFactory?.CreateLogger("VoiceAgent.Engines." + options.Name));
}
