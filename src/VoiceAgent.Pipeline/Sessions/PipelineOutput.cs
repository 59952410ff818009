using System.Threading.Channels;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Pipeline.Sessions;

/// <summary>
/// What a transport reads from a session: control frames (interrupts) first, whatever data is queued, and data of
/// superseded turns dropped, so nothing of an interrupted turn reaches the listener after its interrupt. One reader only.
/// </summary>
public sealed class PipelineOutput(ChannelReader<Frame> data, TurnManager turns)
{
    // Outstanding waits are kept between calls so that waiting never registers a new waiter per read.
    private Task<bool>? _dataWait;
    private Task<bool>? _controlWait;
    private bool _controlDone;

    /// <summary>True when a frame can be read without waiting (a transport flushes its writes when this is false).</summary>
    public bool HasReady => turns.Control.TryPeek(out _) || data.TryPeek(out _);

    /// <summary>The next frame, or null when the pipeline has finished.</summary>
    public async ValueTask<Frame?> ReadAsync(CancellationToken cancellationToken)
    {
        var control = turns.Control;
        while (true)
        {
            if (control.TryRead(out var urgent))
            {
                return urgent;
            }

            if (data.TryRead(out var frame))
            {
                if (frame is TurnFrame tf && turns.IsStale(tf.Turn))
                {
                    continue;
                }

                return frame;
            }

            _dataWait ??= data.WaitToReadAsync(cancellationToken).AsTask();
            if (!_controlDone)
            {
                _controlWait ??= control.WaitToReadAsync(cancellationToken).AsTask();
                await Task.WhenAny(_dataWait, _controlWait);
            }
            else
            {
                await _dataWait;
            }

            if (_controlWait is { IsCompleted: true })
            {
                _controlDone = _controlWait is { IsCompletedSuccessfully: true, Result: false };
                cancellationToken.ThrowIfCancellationRequested();
                _controlWait = null;
            }

            if (_dataWait.IsCompleted)
            {
                var more = await _dataWait;
                _dataWait = null;
                if (!more)
                {
                    return control.TryRead(out var last) ? last : null;
                }
            }
        }
    }
}
