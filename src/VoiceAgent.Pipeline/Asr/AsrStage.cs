using System.IO.Pipelines;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Pipeline.Asr;

/// <summary>
/// The user's speech → their words. Audio is piped to the recogniser while the user speaks, so at the end of speech only
/// the final decode is left; a batch-only recogniser simply reads the pipe to its end first. Emits partials and one final,
/// each also published to the call's <see cref="UserTranscript"/> (for the stages upstream) before its frame goes out.
/// </summary>
public sealed partial class AsrStage(ISpeechToTextClient recognizer, TurnTimeline timeline, SpeechToTextOptions? options = null, ILogger? logger = null, UserTranscript? transcript = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    public Task RunAsync(ChannelReader<Frame> input, ChannelWriter<Frame> output, CancellationToken cancellationToken)
    {
        var current = new UtteranceSlot();
        return FrameLoop.RunAsync(
            input,
            output,
            frame => HandleAsync(frame, current, output, cancellationToken),
            cancellationToken,
            beforeComplete: async () =>
            {
                // The recognition task may still write its result: end it before the output closes.
                if (current.Utterance is { } open)
                {
                    await open.AbandonAsync();
                }
            });
    }

    private async ValueTask HandleAsync(Frame frame, UtteranceSlot current, ChannelWriter<Frame> output, CancellationToken cancellationToken)
    {
        var utterance = current.Utterance;
        switch (frame)
        {
            case UserSpeechStartedFrame started:
                if (utterance is not null)
                {
                    await utterance.FinishAsync();
                }

                current.Utterance = Start(started.Turn, output, cancellationToken);
                await output.WriteAsync(frame, cancellationToken);
                break;
            case UserAudioFrame audio when utterance?.Turn == audio.Turn:
                // The pipe copies the audio, so its array goes back as soon as the write is done.
                await utterance.WriteAsync(audio.Pcm, cancellationToken);
                audio.ReturnToPool();
                break;
            case UserAudioFrame stale:
                stale.ReturnToPool();
                break;
            case UserSpeechEndedFrame ended when utterance?.Turn == ended.Turn:
                await utterance.FinishAsync();
                current.Utterance = null;
                await output.WriteAsync(frame, cancellationToken);
                break;
            default:
                await output.WriteAsync(frame, cancellationToken);
                break;
        }
    }

    private Utterance Start(TurnId turn, ChannelWriter<Frame> output, CancellationToken cancellationToken)
    {
        // The pipe holds at most a few seconds of audio before the writer waits: a stalled recogniser slows this stage
        // (and, through bounded channels, the reader of the socket) instead of growing memory.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 256 * 1024, resumeWriterThreshold: 128 * 1024, useSynchronizationContext: false));
        var task = RecognizeAsync(turn, pipe.Reader, output, cancellationToken);
        return new Utterance(turn, pipe, task);
    }

    private async Task RecognizeAsync(TurnId turn, PipeReader audio, ChannelWriter<Frame> output, CancellationToken cancellationToken)
    {
        // Run the recogniser off the caller's thread: its first MoveNext may do blocking native work.
        await Task.Yield();
        var final = new StringBuilder();
        var lastPartial = "";
        double? confidence = null;
        try
        {
            await using var stream = audio.AsStream();
            await foreach (var update in recognizer.GetStreamingTextAsync(stream, options, cancellationToken))
            {
                var text = update.Text?.Trim() ?? "";
                if (update.Kind == SpeechToTextResponseUpdateKind.TextUpdating && text.Length > 0 && text != lastPartial)
                {
                    lastPartial = text;
                    transcript?.Publish(turn, text, isFinal: false);
                    await output.WriteAsync(new TranscriptFrame(turn, text, IsFinal: false), cancellationToken);
                }
                else if (update.Kind == SpeechToTextResponseUpdateKind.TextUpdated && text.Length > 0)
                {
                    final.Append(final.Length > 0 ? " " : "").Append(text);

                    // One final per stream in practice; if an engine sends several, the least sure one speaks for the turn.
                    if (SpeechToTextConfidence.Read(update.AdditionalProperties) is { } c)
                    {
                        confidence = Math.Min(c, confidence ?? c);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            LogRecognitionFailed(_logger, turn.Value, ex);
            await output.WriteAsync(new ErrorFrame(turn, PipelineError.EngineFailed("Speech recognition", ex.Message)), cancellationToken);
        }

        timeline.Mark(turn, TurnMilestone.AsrFinal);
        transcript?.Publish(turn, final.ToString(), isFinal: true);
        await output.WriteAsync(new TranscriptFrame(turn, final.ToString(), IsFinal: true) { Confidence = confidence }, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speech recognition failed in turn {Turn}")]
    private static partial void LogRecognitionFailed(ILogger logger, long turn, Exception exception);

    /// <summary>The utterance in progress, if any; shared by the loop and its clean-up.</summary>
    private sealed class UtteranceSlot
    {
        public Utterance? Utterance { get; set; }
    }

    private sealed class Utterance(TurnId turn, Pipe pipe, Task recognition)
    {
        public TurnId Turn { get; } = turn;

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> pcm, CancellationToken cancellationToken) =>
            await pipe.Writer.WriteAsync(pcm, cancellationToken);

        public async Task FinishAsync()
        {
            await pipe.Writer.CompleteAsync();
            await recognition;
        }

        public async Task AbandonAsync()
        {
            await pipe.Writer.CompleteAsync(new OperationCanceledException("The session ended mid-utterance."));
            try
            {
                await recognition;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
