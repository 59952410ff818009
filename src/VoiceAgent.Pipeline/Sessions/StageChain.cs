using System.Threading.Channels;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Pipeline.Sessions;

/// <summary>
/// One session's running chain of stages, linked by bounded channels: frames go in at <see cref="Input"/> and come out of
/// <see cref="Output"/>. Disposing it cancels the stages and waits for them (up to <see cref="StopTimeout"/>).
/// </summary>
public sealed class StageChain : IAsyncDisposable
{
    /// <summary>How long disposal waits for the cancelled stages to end.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _cts;
    private readonly Channel<Frame> _input;
    private readonly TimeProvider _time;
    private readonly IDisposable? _owned;
    private int _disposed;

    private StageChain(IReadOnlyList<StageLink> stages, int outputCapacity, TurnManager turns, TurnTimeline timeline, CancellationTokenSource cts, TimeProvider time, ChainOutput? output)
    {
        _cts = cts;
        _time = time;
        _owned = output?.Owned;
        Turns = turns;
        Timeline = timeline;
        _input = Bounded(stages[0].InputCapacity);
        var tasks = new List<Task>(stages.Count);
        ChannelReader<Frame> reader = _input.Reader;
        for (var i = 0; i < stages.Count; i++)
        {
            var next = Bounded(i + 1 < stages.Count ? stages[i + 1].InputCapacity : outputCapacity);
            var (stage, stageInput) = (stages[i], reader);
            tasks.Add(Task.Run(() => stage.Run(stageInput, next.Writer, cts.Token)));
            reader = next.Reader;
        }

        Completion = Task.WhenAll(tasks);
        Output = new PipelineOutput(reader, turns, output?.PlaybackLead ?? TimeSpan.Zero, output?.Time);
    }

    public ChannelWriter<Frame> Input => _input.Writer;

    public PipelineOutput Output { get; }

    public TurnManager Turns { get; }

    public TurnTimeline Timeline { get; }

    /// <summary>Completes when every stage has ended; faults if one failed.</summary>
    public Task Completion { get; }

    public CancellationToken Token => _cts.Token;

    /// <summary>The clock the chain was started with.</summary>
    public TimeProvider Time => _time;

    /// <summary>Starts the stages. <paramref name="cts"/> is the session's cancellation, owned by the chain from here on.</summary>
    /// <param name="output">How the output is paced, and per-call state the chain disposes after its stages; null for unpaced output.</param>
    public static StageChain Start(IReadOnlyList<StageLink> stages, int outputCapacity, TurnManager turns, TurnTimeline timeline, CancellationTokenSource cts, TimeProvider? time = null, ChainOutput? output = null)
    {
        ArgumentNullException.ThrowIfNull(stages);
        if (stages.Count == 0)
        {
            throw new ArgumentException("A chain needs at least one stage.", nameof(stages));
        }

        return new StageChain(stages, outputCapacity, turns, timeline, cts, time ?? output?.Time ?? TimeProvider.System, output);
    }

    /// <summary>Stops taking input; the stages finish what they hold and complete.</summary>
    public void CompleteInput()
    {
        Output.InputEnded();
        _input.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Output.InputEnded();
        _input.Writer.TryComplete();
        await _cts.CancelAsync();
        try
        {
            await Completion.WaitAsync(StopTimeout, _time);
        }
        catch (TimeoutException)
        {
            // A stage ignores its token (an engine call that does not honour cancellation). It may still touch the turns
            // and the session's token, so they are released when it ends, not under it; the caller need not wait for that.
            _ = Completion.ContinueWith(static (_, state) => ((StageChain)state!).ReleaseShared(), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return;
        }
        catch (Exception)
        {
            // Disposal must not throw; a stage's failure was already reported through its output channel.
        }

        ReleaseShared();
    }

    private void ReleaseShared()
    {
        _owned?.Dispose();
        Timeline.EndOpenTraces();
        Turns.Dispose();
        _cts.Dispose();
    }

    private static Channel<Frame> Bounded(int capacity) =>
        Channel.CreateBounded<Frame>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = false });
}
