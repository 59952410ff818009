using System.Runtime.CompilerServices;
using System.Threading.Channels;
using VoiceAgent.Pipeline.Frames;

namespace VoiceAgent.Pipeline.Vad;

/// <summary>
/// The VAD stage's input, which also wakes the stage when audio it expects does not come: while <c>due</c> names a
/// time, and nothing arrives by then, the reader yields one <see cref="MissingAudioCheck"/> frame. The stage can then
/// count the missing audio as silence and end a turn whose client stopped sending. Without a due time it is the input.
/// </summary>
/// <remarks>
/// One timer and one token source per call, re-armed for each wait: a timed wait runs once per received chunk inside a
/// turn, so it must not cost a timer, a linked token source and a task each time. The timer wakes the stage by
/// cancelling the wait; only then (audio really missing) is the token source replaced.
/// </remarks>
/// <param name="due">How long from now the stage wants to be woken if no frame comes; null to wait for frames only.</param>
internal sealed class MissingAudioReader(ChannelReader<Frame> input, Func<TimeSpan?> due, TimeProvider time) : ChannelReader<Frame>, IDisposable
{
    private CancellationTokenSource? _wake;
    private ITimer? _timer;
    private bool _check;

    public override Task Completion => input.Completion;

    public override bool TryRead(out Frame item)
    {
        if (input.TryRead(out item!))
        {
            return true;
        }

        if (_check)
        {
            _check = false;
            item = MissingAudioCheck.Instance;
            return true;
        }

        return false;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
    {
        if (due() is not { } wait)
        {
            return await input.WaitToReadAsync(cancellationToken);
        }

        if (_wake is null || _wake.IsCancellationRequested)
        {
            // The first timed wait, or the timer fired (the wait it ended was answered with a check): a fresh source.
            _wake?.Dispose();
            _wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        }

        var wake = _wake;
        _timer ??= time.CreateTimer(static state => ((MissingAudioReader)state!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        try
        {
            _timer.Change(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            return await input.WaitToReadAsync(wake.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && wake.IsCancellationRequested)
        {
            _check = true;
            return true;
        }
        finally
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// The timer's callback. One already running when the wait ended may cancel the next wait's source: that wait then
    /// yields a check with no audio missing, which the stage answers with nothing (it measures how late audio is itself).
    /// </summary>
    private void Fire()
    {
        try
        {
            _wake?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // A source replaced or a reader disposed meanwhile: nothing is waiting on it.
        }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _wake?.Dispose();
    }
}
