using System.ClientModel.Primitives;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>Adds the configured extra headers to every request.</summary>
internal sealed class ExtraHeadersPolicy(IReadOnlyDictionary<string, string> headers) : PipelinePolicy
{
    private readonly KeyValuePair<string, string>[] _headers = [.. headers];

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Apply(message);
        ProcessNext(message, pipeline, currentIndex);
    }

    public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Apply(message);
        return ProcessNextAsync(message, pipeline, currentIndex);
    }

    private void Apply(PipelineMessage message)
    {
        foreach (var (name, value) in _headers)
        {
            message.Request.Headers.Set(name, value);
        }
    }
}
