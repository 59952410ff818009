using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Text;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Pipeline.Tts;

/// <summary>
/// The reply's text → a duplex engine (CosyVoice) as the LLM streams it, one piece at a time, so the engine starts a
/// sentence's audio as soon as it has the sentence, with no sentence splitting or per-sentence connection in between.
/// Sits in front of the splitter and the TTS stage, which pass its sentence and audio frames through untouched.
/// </summary>
/// <remarks>
/// The engine cuts the sentences, so its sentence events drive the transcript frames. When it fails before any audio of
/// a reply was heard, the reply's text so far is replayed down the sentence path (splitter → <see cref="TtsStage"/>,
/// whose engine has its own retries, breaker and fallback engines), so the listener hears the whole reply. When it fails
/// after audio was heard, the failure message is sent down that path to be spoken, then the error; the rest is dropped,
/// as the TTS stage does. A barge-in cancels the turn, which drops the engine's connection (its work stops at once).
/// </remarks>
public sealed partial class DuplexTtsStage(
    IDuplexTextToSpeech engine,
    TurnManager turns,
    TurnTimeline timeline,
    TtsStageOptions options,
    IResamplerFactory resamplers,
    Func<TextToSpeechOptions?>? speechOptions = null,
    ILogger? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly AudioFormat _format = options.OutputFormat;

    public Task RunAsync(ChannelReader<Frame> input, ChannelWriter<Frame> output, CancellationToken cancellationToken)
    {
        var slot = new ReplySlot();
        return FrameLoop.RunAsync(
            input,
            output,
            frame => HandleAsync(frame, slot, output, cancellationToken),
            cancellationToken,
            beforeComplete: async () =>
            {
                // The reader may still write: it ends before the output closes.
                if (slot.Reply is { } open)
                {
                    await open.Reader;
                }
            });
    }

    private async ValueTask HandleAsync(Frame frame, ReplySlot slot, ChannelWriter<Frame> output, CancellationToken cancellationToken)
    {
        if (frame is TurnFrame tf && turns.IsStale(tf))
        {
            return;
        }

        switch (frame)
        {
            case ReplyTextFrame text:
                var reply = slot.Reply?.Turn == text.Turn ? slot.Reply : slot.Reply = new DuplexReply(text.Turn, turns.TokenFor(text.Turn));
                await OnTextAsync(reply, text, output, cancellationToken);
                break;
            case ReplyEndFrame end when slot.Reply?.Turn == end.Turn:
                var ending = slot.Reply;
                slot.Reply = null;
                await OnEndAsync(ending, end, output, cancellationToken);
                break;
            default:
                await output.WriteAsync(frame, cancellationToken);
                break;
        }
    }

    private async Task OnTextAsync(DuplexReply reply, ReplyTextFrame text, ChannelWriter<Frame> output, CancellationToken cancellationToken)
    {
        if (reply.Token.IsCancellationRequested)
        {
            return;
        }

        await SettleFailureAsync(reply, output, cancellationToken);
        if (reply.Mode == DuplexReplyMode.Sentences)
        {
            await output.WriteAsync(text, cancellationToken);
            return;
        }

        if (reply.Mode == DuplexReplyMode.Failed)
        {
            return;
        }

        reply.Held.Add(text);
        reply.AppendRaw(text.Text);
        var piece = reply.Filter(text.Text);
        if (piece.Length > 0)
        {
            if (reply.Synthesis is null && !await OpenAsync(reply, output))
            {
                await SettleFailureAsync(reply, output, cancellationToken);
                return;
            }

            await SendAsync(reply, s => s.SendAsync(piece, reply.Token));
        }

        if (text.Flush && reply.Synthesis is { } open)
        {
            // The reply pauses (a tool call): CosyVoice holds an unfinished sentence until the task ends, so the task ends
            // here and the rest of the reply gets a new one.
            await SendAsync(reply, s => s.CompleteAsync(reply.Token));
            await reply.Reader;
        }

        await SettleFailureAsync(reply, output, cancellationToken);
    }

    private async Task OnEndAsync(DuplexReply reply, ReplyEndFrame end, ChannelWriter<Frame> output, CancellationToken cancellationToken)
    {
        if (reply.Mode == DuplexReplyMode.Duplex && reply.Synthesis is not null && !reply.Token.IsCancellationRequested)
        {
            var rest = reply.FilterFlush();
            if (rest.Length > 0)
            {
                await SendAsync(reply, s => s.SendAsync(rest, reply.Token));
            }

            await SendAsync(reply, s => s.CompleteAsync(reply.Token));
        }

        await reply.Reader;
        await SettleFailureAsync(reply, output, cancellationToken);
        if (reply.Mode == DuplexReplyMode.Failed && end.Error is null)
        {
            end = end with { FinishReason = "error", Error = PipelineError.EngineFailed("Speech synthesis", "see the earlier error") };
        }

        await output.WriteAsync(end, cancellationToken);
    }

    private async Task<bool> OpenAsync(DuplexReply reply, ChannelWriter<Frame> output)
    {
        try
        {
            timeline.SynthesisStarted(reply.Turn);
            var synthesis = await engine.StartAsync(WithOutputRate(speechOptions?.Invoke()), reply.Token);
            reply.Open(synthesis, (r, s) => r.ReadAsync(s, _format, options.ChunkMs, resamplers, timeline, output));
            return true;
        }
        catch (OperationCanceledException) when (reply.Token.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception ex)
        {
            reply.Failure ??= ex;
            return false;
        }
    }

    private async Task SendAsync(DuplexReply reply, Func<IDuplexSynthesis, Task> send)
    {
        if (reply.Synthesis is not { } synthesis)
        {
            return;
        }

        try
        {
            await send(synthesis);
        }
        catch (Exception ex) when (!reply.Token.IsCancellationRequested)
        {
            // Dropping the task ends the reader too; the failure is settled on the stage's side.
            reply.Failure ??= ex;
            await synthesis.DisposeAsync();
        }
        catch (Exception)
        {
            // Cut off by a barge-in: the reader drops the connection.
        }
    }

    /// <summary>Acts on an engine failure once: the sentence path before any audio, the spoken failure after.</summary>
    private async Task SettleFailureAsync(DuplexReply reply, ChannelWriter<Frame> output, CancellationToken cancellationToken)
    {
        if (reply.Failure is not { } failure || reply.Mode != DuplexReplyMode.Duplex || reply.Token.IsCancellationRequested)
        {
            return;
        }

        await reply.Reader;
        if (!reply.HeardAudio)
        {
            LogFallingBackToSentences(_logger, reply.Turn.Value, failure);
            reply.Mode = DuplexReplyMode.Sentences;
            foreach (var held in reply.Held)
            {
                await output.WriteAsync(held, cancellationToken);
            }

            return;
        }

        LogSynthesisFailed(_logger, reply.Turn.Value, failure);
        reply.Mode = DuplexReplyMode.Failed;
        if (!string.IsNullOrWhiteSpace(options.FailureMessage))
        {
            // Down the sentence path, whose engine (or a fallback behind it) may well still speak it.
            await output.WriteAsync(new ReplyTextFrame(reply.Turn, " " + options.FailureMessage.Trim()) { Flush = true }, cancellationToken);
        }

        await output.WriteAsync(new ErrorFrame(reply.Turn, PipelineError.EngineFailed("Speech synthesis", failure.Message)), cancellationToken);
    }

    private TextToSpeechOptions WithOutputRate(TextToSpeechOptions? requested)
    {
        var o = requested?.Clone() ?? new TextToSpeechOptions();
        o.AudioFormat = _format.ToMediaType();
        return o;
    }

    /// <summary>The reply being spoken; shared by the loop and its clean-up.</summary>
    private sealed class ReplySlot
    {
        public DuplexReply? Reply { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The duplex speech engine failed before any audio in turn {Turn}; the reply goes sentence by sentence")]
    private static partial void LogFallingBackToSentences(ILogger logger, long turn, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Duplex speech synthesis failed in turn {Turn}")]
    private static partial void LogSynthesisFailed(ILogger logger, long turn, Exception exception);
}
