using System.Threading.Channels;
using VoiceAgent.Pipeline.Frames;

namespace VoiceAgent.Pipeline.Vad;

/// <summary>
/// The VAD stage's input, which also wakes the stage when audio it expects does not come: while <c>due</c> names a
/// time, and nothing arrives by then, the reader yields one <see cref="MissingAudioCheck"/> frame. The stage can then
/// count the missing audio as silence and end a turn whose client stopped sending. Without a due time it is the input.
/// </summary>
/// <param name="due">How long from now the stage wants to be woken if no frame comes; null to wait for frames only.</param>
internal sealed class MissingAudioReader(ChannelReader<Frame> input, Func<TimeSpan?> due, TimeProvider time) : ChannelReader<Frame>
{
    private Task<bool>? _waiting;
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

    public override async ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
    {
        if (due() is not { } wait)
        {
            if (_waiting is not { } pending)
            {
                return await input.WaitToReadAsync(cancellationToken);
            }

            var more = await pending.WaitAsync(cancellationToken);
            _waiting = null;
            return more;
        }

        // One wait on the input at a time: a check that fires first leaves it pending for the next call.
        _waiting ??= input.WaitToReadAsync(cancellationToken).AsTask();
        if (!_waiting.IsCompleted)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var timer = Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, time, stop.Token);
            if (await Task.WhenAny(_waiting, timer) == timer)
            {
                await timer;
                _check = true;
                return true;
            }

            await stop.CancelAsync();
        }

        var ready = await _waiting;
        _waiting = null;
        return ready;
    }
}
