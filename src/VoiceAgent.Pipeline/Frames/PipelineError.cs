namespace VoiceAgent.Pipeline.Frames;

/// <summary>A failure as the transports report it: message, a type/kind, and a protocol code.</summary>
public sealed record PipelineError(string Message, string Type, int Code = 500)
{
    public static PipelineError EngineFailed(string stage, string message) => new($"{stage} failed: {message}", "engine_error", 502);
}
