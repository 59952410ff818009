using Microsoft.Extensions.Time.Testing;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Pipeline.Tests.Sessions;

public class StageChainTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Disposal_gives_up_on_a_stuck_stage_by_the_injected_clock_and_leaves_it_what_it_still_uses()
    {
        var time = new FakeTimeProvider();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var touchedAfterwards = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var cts = new CancellationTokenSource();
        var turns = new TurnManager(cts.Token, time);
        var turn = turns.BeginTurn();

        // A stage stuck in an engine call that does not honour cancellation, which then still uses the session's turns.
        async Task Stuck(System.Threading.Channels.ChannelReader<Frame> input, System.Threading.Channels.ChannelWriter<Frame> output, CancellationToken ct)
        {
            entered.TrySetResult();
            await release.Task;
            try
            {
                _ = turns.TokenFor(turn).IsCancellationRequested;
                turns.BeginTurn();
                touchedAfterwards.TrySetResult(null);
            }
            catch (Exception ex)
            {
                touchedAfterwards.TrySetResult(ex);
            }

            output.TryComplete();
        }

        var chain = StageChain.Start([new StageLink("stuck", Stuck, 4)], 4, turns, new TurnTimeline(time), cts, time);
        await entered.Task.WaitAsync(Timeout);

        // Only the injected clock moves; disposal gives up once it passes the stop timeout (the wall clock never gets there).
        var disposing = chain.DisposeAsync().AsTask();
        using (var limit = new CancellationTokenSource(Timeout))
        {
            while (!disposing.IsCompleted)
            {
                time.Advance(TimeSpan.FromSeconds(1));
                await Task.WhenAny(disposing, Task.Delay(20, limit.Token));
                limit.Token.ThrowIfCancellationRequested();
            }
        }

        await disposing;
        time.GetUtcNow().ShouldBeGreaterThanOrEqualTo(time.Start + StageChain.StopTimeout);

        release.TrySetResult();
        (await touchedAfterwards.Task.WaitAsync(Timeout)).ShouldBeNull();
        await chain.Completion.WaitAsync(Timeout);
    }
}
