using Microsoft.Extensions.Logging;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>Engine resilience log messages; engine names and failures only, never keys or payloads.</summary>
internal static partial class EngineLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Engine {Engine}: attempt {Attempt} failed, retrying in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, string engine, int attempt, double delayMs, Exception? exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Engine {Engine}: circuit opened for {BreakSeconds} s")]
    public static partial void BreakerOpened(ILogger logger, string engine, double breakSeconds, Exception? exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Engine {Engine}: circuit closed")]
    public static partial void BreakerClosed(ILogger logger, string engine);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Engine {Engine}: call failed")]
    public static partial void CallFailed(ILogger logger, string engine, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Engine {Engine} failed before answering; falling back to {Next}")]
    public static partial void FallingBack(ILogger logger, string engine, string next, Exception exception);
}
