using Microsoft.Extensions.AI;

namespace VoiceAgent.Api.Hosting;

/// <summary>
/// Runs each engine once at start-up: the first dialogue answer costs ~90 ms of one-time set-up, the first recogniser
/// ~0.5 s of model loading, the first synthesis the voice load. Better paid before the first caller than by them.
/// </summary>
public sealed partial class EngineWarmUp(IChatClient chat, ISpeechToTextClient asr, ITextToSpeechClient tts, ILogger<EngineWarmUp> logger, TimeProvider time)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        try
        {
            await chat.GetResponseAsync([new ChatMessage(ChatRole.User, "hello")], cancellationToken: cancellationToken);
            await tts.GetAudioAsync("Hello.", cancellationToken: cancellationToken);
            using var silence = new MemoryStream(new byte[16_000]);
            await asr.GetTextAsync(silence, new SpeechToTextOptions { SpeechSampleRate = 16_000 }, cancellationToken);
            var elapsed = time.GetElapsedTime(started).TotalMilliseconds;
            LogWarm(logger, elapsed);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A remote engine may be unreachable at start; the service still starts and /health tells.
            LogWarmFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Engines warmed up in {Milliseconds:F0} ms")]
    private static partial void LogWarm(ILogger logger, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Engine warm-up failed; the first call may be slow or fail")]
    private static partial void LogWarmFailed(ILogger logger, Exception exception);
}
