using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Frames;

namespace VoiceAgent.Pipeline.Llm;

/// <summary>
/// One turn's view of the tool calls in the LLM's update stream: which calls the service runs (and which it leaves to
/// the client), which are still running, how long they took, and whether the agent asked to end the call.
/// </summary>
internal sealed class ToolCallTracker(IReadOnlyList<AIFunction> serverTools, IList<AITool>? clientTools, TimeProvider time)
{
    private readonly Dictionary<string, (string Name, long Started)> _running = new(StringComparer.Ordinal);

    public List<FunctionCallContent> ClientCalls { get; } = [];

    /// <summary>The tool messages of the turn in order (assistant calls, tool results), for history.</summary>
    public List<ChatMessage> Messages { get; } = [];

    public int Running => _running.Count;

    public long FirstStarted { get; private set; }

    public TimeSpan Elapsed { get; private set; }

    public bool EndCallRequested { get; private set; }

    public bool AnyServerCall { get; private set; }

    /// <summary>A call the model made: a <see cref="ToolFrame"/> when the service runs it, else null (the client's tool, or an unknown one).</summary>
    public ToolFrame? Called(Turns.TurnId turn, FunctionCallContent call)
    {
        if (!serverTools.Any(t => t.Name == call.Name))
        {
            // A name nobody declared (a model's invention) is answered "not found" by the function-invoking client.
            if (clientTools?.Any(t => t.Name == call.Name) == true && !ClientCalls.Any(c => c.CallId == call.CallId))
            {
                ClientCalls.Add(call);
            }

            return null;
        }

        var now = time.GetTimestamp();
        if (_running.Count == 0)
        {
            FirstStarted = now;
        }

        _running[call.CallId] = (call.Name, now);
        AnyServerCall = true;
        Messages.Add(new ChatMessage(ChatRole.Assistant, [call]));
        return new ToolFrame(turn, call.Name, ToolFrame.Started);
    }

    /// <summary>A result the function-invoking client produced: done, or failed when the tool threw (timeouts included).</summary>
    public ToolFrame? Answered(Turns.TurnId turn, FunctionResultContent result)
    {
        if (!_running.Remove(result.CallId, out var call))
        {
            return null;
        }

        Elapsed += time.GetElapsedTime(call.Started);
        Messages.Add(new ChatMessage(ChatRole.Tool, [result]));
        var failed = result.Exception is not null;
        EndCallRequested |= !failed && call.Name == ToolNames.EndCall;
        return new ToolFrame(turn, call.Name, failed ? ToolFrame.Failed : ToolFrame.Done);
    }

    /// <summary>Calls the round limit left unanswered: each reported failed.</summary>
    public IEnumerable<ToolFrame> Abandon(Turns.TurnId turn)
    {
        var names = _running.Values.Select(v => v.Name).ToList();
        // A call without its result must not reach history: the next request would be refused for it.
        Messages.RemoveAll(m => m.Contents.OfType<FunctionCallContent>().Any(c => _running.ContainsKey(c.CallId)));
        _running.Clear();
        return names.Select(n => new ToolFrame(turn, n, ToolFrame.Failed));
    }
}
