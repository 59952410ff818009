using VoiceAgent.Api.Hosting;

namespace VoiceAgent.Api.Recorded;

/// <summary>
/// Whether the configured LLM can see images. It is a vision model only when the configuration says so
/// (<c>VoiceAgent:Llm:Vision=true</c>) and no engine of the LLM chain is the embedded rule engine, which cannot see:
/// a fallback to it would answer as if it had looked at the picture.
/// </summary>
public sealed class VisionCapability(bool canSeeImages, string? reason)
{
    public bool CanSeeImages { get; } = canSeeImages;

    /// <summary>Why it cannot, for the client's error event; null when it can.</summary>
    public string? Reason { get; } = reason;

    public static VisionCapability From(IConfiguration configuration)
    {
        var provider = configuration["VoiceAgent:Llm:Provider"] ?? EngineRegistration.Embedded;
        var chain = configuration.GetSection("VoiceAgent:Llm:Fallback").GetChildren().Select(c => c.Value).OfType<string>().Prepend(provider);
        if (chain.Contains(EngineRegistration.Embedded))
        {
            return new(false, "The configured language engine cannot see images: the embedded rule engine reads text only" +
                (provider == EngineRegistration.Embedded ? "." : " and is in the LLM fallback list.") +
                " Configure a vision model (VoiceAgent:Llm:Provider=OpenAI with VoiceAgent:Llm:Vision=true).");
        }

        if (!configuration.GetValue("VoiceAgent:Llm:Vision", false))
        {
            var model = configuration["VoiceAgent:Llm:OpenAI:Model"] ?? provider;
            return new(false, $"The configured language model '{model}' is not marked as able to see images (VoiceAgent:Llm:Vision is not true), so the image was not sent to it.");
        }

        return new(true, null);
    }
}
