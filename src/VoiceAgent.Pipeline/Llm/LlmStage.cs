using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Turns;
using VoiceAgent.Pipeline.Turns.Detection;

namespace VoiceAgent.Pipeline.Llm;

/// <summary>
/// The user's words → the reply's text, streamed. A final transcript is answered with the conversation's history;
/// a <see cref="ChatRequestFrame"/> brings its own messages; a <see cref="SayFrame"/> is spoken without the LLM.
/// A barge-in cancels the turn's stream quietly (a running tool included); an engine failure becomes a spoken failure
/// message and an error.
/// </summary>
/// <remarks>
/// Tools run inside the chat client's chain (its function-invoking client); this stage offers them per turn and watches the
/// update stream: text before a call is flushed to speech, a <see cref="ToolFrame"/> marks each call's start and end, a
/// filler is spoken when a tool is slow, and the calls and results are kept for the conversation's history.
/// </remarks>
public sealed partial class LlmStage(
    IChatClient chat, TurnManager turns, TurnTimeline timeline, LlmStageOptions? options = null, Conversation? conversation = null, ILogger? logger = null, LlmTools? tools = null)
{
    private readonly LlmStageOptions _options = options ?? new LlmStageOptions();
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly ConfidenceGate _confidence = new((options ?? new LlmStageOptions()).Confidence);

    // Words of turns a newer turn superseded before their final was in (the user paused and went on): the next answer covers them.
    private string _carried = "";

    // The newest turn this stage has answered (speech, typed or DTMF text, a chat request, a say). A superseded turn older
    // than it lost its chance: the turn that superseded it was answered without its words, and a later question is not its.
    private TurnId _answered = TurnId.None;

    public Task RunAsync(ChannelReader<Frame> input, ChannelWriter<Frame> output, CancellationToken cancellationToken) =>
        FrameLoop.RunAsync(input, output, frame => HandleAsync(frame, output, cancellationToken), cancellationToken);

    private async ValueTask HandleAsync(Frame frame, ChannelWriter<Frame> output, CancellationToken cancellationToken)
    {
        switch (frame)
        {
            case TranscriptFrame { IsFinal: true } t when conversation is not null:
                await output.WriteAsync(frame, cancellationToken);
                // A wordless turn (noise the VAD took for speech, a recogniser's "..." or "[BLANK_AUDIO]") is not a question;
                // nor is a long run of words the recogniser is unsure of (other people talking in the background).
                var unsure = _confidence.Drops(t.Text, t.Confidence);
                if (unsure)
                {
                    LogUnsureFinal(_logger, t.Turn.Value, t.Confidence ?? 0);
                }

                var words = UtteranceText.HasWords(t.Text) && !unsure ? t.Text : "";
                if (turns.IsSuperseded(t.Turn))
                {
                    // Never answered on its own (its reply would be cancelled at once): the current turn answers it with its own
                    // words, unless a newer turn was already answered without them (a DTMF or text turn came in between).
                    if (t.Turn > _answered)
                    {
                        _carried = Join(_carried, words);
                    }
                    else if (words.Length > 0)
                    {
                        LogLateWordsDropped(_logger, t.Turn.Value, _answered.Value);
                    }

                    break;
                }

                if (turns.IsStale(t.Turn))
                {
                    break;
                }

                var question = Join(_carried, words);
                _carried = "";
                if (question.Length > 0)
                {
                    _answered = t.Turn;
                    turns.ReplyStarted(t.Turn);
                    conversation.BeginReply(t.Turn, question);
                    var scope = new ToolScope(conversation.SessionId, null, conversation.Settings.Tools, conversation.Tenant);
                    await StreamAsync(t.Turn, conversation.BuildRequest(question), conversation.ChatOptions(), scope, output, cancellationToken);
                }

                break;
            case ChatRequestFrame request:
                _answered = request.Turn;
                turns.ReplyStarted(request.Turn);
                await StreamAsync(request.Turn, request.Messages, request.Options, request.Tools, output, cancellationToken);
                break;
            case SayFrame say:
                _answered = say.Turn;
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

    private async Task StreamAsync(
        TurnId turn, IReadOnlyList<ChatMessage> messages, ChatOptions? chatOptions, ToolScope? scope, ChannelWriter<Frame> output, CancellationToken sessionToken)
    {
        var turnToken = turns.TokenFor(turn);
        var serverTools = scope is not null && tools is not null ? tools.Catalog.ToolsFor(scope) : [];
        var calls = new ToolCallTracker(serverTools, chatOptions?.Tools, tools?.Time ?? TimeProvider.System);
        string finish = "stop";
        UsageDetails? usage = null;
        var chars = 0;
        var fillerSaid = false;

        // The turn's LLM span, current while the stream runs: the chat client's spans and each tool call's nest under it.
        using var span = timeline.StartSpan(turn, "llm");
        try
        {
            await using var e = chat.GetStreamingResponseAsync(messages, WithTools(chatOptions, serverTools), turnToken).GetAsyncEnumerator(turnToken);
            while (true)
            {
                var next = e.MoveNextAsync();
                bool more;
                if (!next.IsCompleted && calls.Running > 0 && !fillerSaid && tools is { Speaks: true, Options.FillerAfterMs: > 0 })
                {
                    // A tool is running and the line is silent: say the filler if it takes longer than FillerAfterMs.
                    var pending = next.AsTask();
                    fillerSaid = await SayFillerIfSlowAsync(turn, pending, calls, output, turnToken);
                    more = await pending;
                }
                else
                {
                    more = await next;
                }

                if (!more)
                {
                    break;
                }

                var update = e.Current;
                if (update.FinishReason is { } reason)
                {
                    finish = reason == ChatFinishReason.Length ? "length" : reason == ChatFinishReason.ToolCalls ? "tool_calls" : "stop";
                }

                foreach (var content in update.Contents)
                {
                    switch (content)
                    {
                        case UsageContent u:
                            usage = u.Details;
                            break;
                        case FunctionCallContent call when calls.Called(turn, call) is { } started:
                            if (chars > 0)
                            {
                                // What was said before the call is spoken now, not after the tool answers.
                                await output.WriteAsync(new ReplyTextFrame(turn, "") { Flush = true }, turnToken);
                            }

                            await output.WriteAsync(started, turnToken);
                            break;
                        case FunctionResultContent result when calls.Answered(turn, result) is { } ended:
                            if (ended.Status == ToolFrame.Failed)
                            {
                                LogToolFailed(_logger, ended.Name, turn.Value, result.Exception);
                            }

                            await output.WriteAsync(ended, turnToken);
                            break;
                    }
                }

                var text = update.Role == ChatRole.Tool ? null : update.Text;
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

            if (calls.Running > 0)
            {
                // The round limit stopped the loop with the model still asking for a tool.
                finish = "stop";
                foreach (var abandoned in calls.Abandon(turn))
                {
                    await output.WriteAsync(abandoned, turnToken);
                }

                if (chars == 0 && tools is { Options.RoundsExhausted: { Length: > 0 } said })
                {
                    await output.WriteAsync(new ReplyTextFrame(turn, said), turnToken);
                }
            }

            if (calls.ClientCalls.Count == 0 && finish == "tool_calls")
            {
                finish = "stop";
            }

            if (calls.AnyServerCall)
            {
                timeline.ToolTime(turn, calls.Elapsed);
            }

            span.Activity?.SetTag("voiceagent.llm.finish_reason", finish);
            await output.WriteAsync(new ReplyEndFrame(turn, finish, Usage: usage) { ToolCalls = calls.ClientCalls.Count > 0 ? calls.ClientCalls : null, ToolMessages = calls.Messages }, sessionToken);
            if (calls.EndCallRequested)
            {
                await output.WriteAsync(new EndCallFrame(turn), sessionToken);
            }
        }
        catch (OperationCanceledException) when (turnToken.IsCancellationRequested)
        {
            // A barge-in or the end of the session: not a failure. Nothing more of this turn goes out.
            span.Activity?.SetTag("voiceagent.llm.cancelled", true);
        }
        catch (Exception ex)
        {
            LogLlmFailed(_logger, turn.Value, ex);
            span.Activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.Message);
            var error = PipelineError.EngineFailed("The language model", ex.Message);
            await output.WriteAsync(new ReplyEndFrame(turn, "error", error) { SpokenFailure = _options.FailureMessage }, sessionToken);
        }
    }

    // Server tools join whatever the request brought (a client's own tool declarations stay, and come back as calls).
    private static string Join(string first, string then) => first.Length == 0 ? then : then.Length == 0 ? first : first + " " + then;

    private static ChatOptions? WithTools(ChatOptions? options, IReadOnlyList<AIFunction> serverTools)
    {
        if (serverTools.Count == 0)
        {
            return options;
        }

        var o = options?.Clone() ?? new ChatOptions();
        o.Tools = [.. o.Tools ?? [], .. serverTools.Where(t => o.Tools?.Any(c => c.Name == t.Name) != true)];
        return o;
    }

    private async Task<bool> SayFillerIfSlowAsync(TurnId turn, Task<bool> next, ToolCallTracker calls, ChannelWriter<Frame> output, CancellationToken turnToken)
    {
        var time = tools!.Time;
        var wait = TimeSpan.FromMilliseconds(tools.Options.FillerAfterMs) - time.GetElapsedTime(calls.FirstStarted);
        if (wait > TimeSpan.Zero)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(turnToken);
            var delay = Task.Delay(wait, time, stop.Token);
            var done = await Task.WhenAny(next, delay);
            await stop.CancelAsync();
            if (done != delay)
            {
                return false;
            }
        }

        await output.WriteAsync(new ReplyTextFrame(turn, " " + tools.Options.Filler.Trim() + " ") { Flush = true }, turnToken);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Turn {Turn} not answered: its final's confidence {Confidence} is below the gate's")]
    private static partial void LogUnsureFinal(ILogger logger, long turn, double confidence);

    [LoggerMessage(Level = LogLevel.Information, Message = "Turn {Turn}'s words came after turn {Answered} was answered without them; not answered")]
    private static partial void LogLateWordsDropped(ILogger logger, long turn, long answered);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The language model failed in turn {Turn}")]
    private static partial void LogLlmFailed(ILogger logger, long turn, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The tool {Tool} failed in turn {Turn}")]
    private static partial void LogToolFailed(ILogger logger, string tool, long turn, Exception? exception);
}
