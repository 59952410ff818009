using System.ClientModel.Primitives;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>Sends no credentials: local servers (Ollama, vLLM, llama.cpp) need none, and a dummy bearer would only confuse proxies.</summary>
internal sealed class NoAuthenticationPolicy : AuthenticationPolicy
{
    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex) =>
        ProcessNext(message, pipeline, currentIndex);

    public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex) =>
        ProcessNextAsync(message, pipeline, currentIndex);
}
