using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Pipeline.Llm;

/// <summary>
/// The user's words → the reply's text, streamed. A final transcript is answered with the conversation's history;
/// a <see cref="ChatRequestFrame"/> brings its own messages; a <see cref="SayFrame"/> is spoken without the LLM.
/// A barge-in cancels the turn's stream quietly; an engine failure becomes a spoken failure message and an error.
/// </summary>
public sealed partial class LlmStage(IChatClient chat, TurnManager turns, TurnTimeline timeline, LlmStageOptions? options = null, Conversation? conversation = null, ILogger? logger = null)
{
    private readonly LlmStageOptions _options = options ?? new LlmStageOptions();
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    public Task RunAsync(ChannelReader<Frame> input, ChannelWriter<Frame> output, CancellationToken cancellationToken) =>
        FrameLoop.RunAsync(input, output, frame => HandleAsync(frame, output, cancellationToken), cancellationToken);

    private async ValueTask HandleAsync(Frame frame, ChannelWriter<Frame> output, CancellationToken cancellationToken)
    {
        switch (frame)
        {
            case TranscriptFrame { IsFinal: true } t when conversation is not null:
                await output.WriteAsync(frame, cancellationToken);
                if (!string.IsNullOrWhiteSpace(t.Text) && !turns.IsStale(t.Turn))
                {
                    turns.ReplyStarted(t.Turn);
                    conversation.BeginReply(t.Turn, t.Text);
                    await StreamAsync(t.Turn, conversation.BuildRequest(t.Text), conversation.ChatOptions(), output, cancellationToken);
                }

                break;
            case ChatRequestFrame request:
                turns.ReplyStarted(request.Turn);
                await StreamAsync(request.Turn, request.Messages, request.Options, output, cancellationToken);
                break;
            case SayFrame say:
                turns.ReplyStarted(say.Turn);
                timeline.Mark(say.Turn, TurnMilestone.LlmFirstToken);
                await output.WriteAsync(new ReplyTextFrame(say.Turn, say.Text), cancellationToken);
                await output.WriteAsync(new ReplyEndFrame(say.Turn, "stop"), cancellationToken);
                break;
            default:
                await output.WriteAsync(frame, cancellationToken);
                break;
        }
    }

    private async Task StreamAsync(TurnId turn, IReadOnlyList<ChatMessage> messages, ChatOptions? chatOptions, ChannelWriter<Frame> output, CancellationToken sessionToken)
    {
        var turnToken = turns.TokenFor(turn);
        string finish = "stop";
        UsageDetails? usage = null;
        var chars = 0;
        try
        {
            await foreach (var update in chat.GetStreamingResponseAsync(messages, chatOptions, turnToken))
            {
                if (update.FinishReason is { } reason)
                {
                    finish = reason == ChatFinishReason.Length ? "length" : "stop";
                }

                foreach (var content in update.Contents)
                {
                    if (content is UsageContent u)
                    {
                        usage = u.Details;
                    }
                }

                var text = update.Text;
                if (!string.IsNullOrEmpty(text))
                {
                    timeline.Mark(turn, TurnMilestone.LlmFirstToken);
                    if (chars + text.Length > _options.MaxReplyChars)
                    {
                        // Leaving the loop disposes the engine's stream, which stops the remote generation too.
                        await output.WriteAsync(new ReplyTextFrame(turn, text[..(_options.MaxReplyChars - chars)]), turnToken);
                        finish = "length";
                        break;
                    }

                    chars += text.Length;
                    await output.WriteAsync(new ReplyTextFrame(turn, text), turnToken);
                }
            }

            await output.WriteAsync(new ReplyEndFrame(turn, finish, Usage: usage), sessionToken);
        }
        catch (OperationCanceledException) when (turnToken.IsCancellationRequested)
        {
            // A barge-in or the end of the session: not a failure. Nothing more of this turn goes out.
        }
        catch (Exception ex)
        {
            LogLlmFailed(_logger, turn.Value, ex);
            var error = PipelineError.EngineFailed("The language model", ex.Message);
            await output.WriteAsync(new ReplyEndFrame(turn, "error", error) { SpokenFailure = _options.FailureMessage }, sessionToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The language model failed in turn {Turn}")]
    private static partial void LogLlmFailed(ILogger logger, long turn, Exception exception);
}
