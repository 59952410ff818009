using System.Threading.Channels;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Pipeline.Sessions;

/// <summary>
/// What a transport reads from a session: control frames (interrupts) first, whatever data is queued, and data of
/// superseded turns (or of speech over the agent not yet counted as an interruption) dropped, so nothing of an
/// interrupted turn reaches the listener after its interrupt. While an overlap pauses the output, data waits here,
/// untouched, and flows again from the same frame on resume. With a playback lead, agent audio is released at most
/// that far ahead of the listener's estimated playback, so a pause silences the listener within the lead. One reader only.
/// </summary>
public sealed class PipelineOutput(ChannelReader<Frame> data, TurnManager turns, TimeSpan playbackLead = default, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    // Outstanding waits are kept between calls so that waiting never registers a new waiter per read.
    private Task<bool>? _dataWait;
    private Task<bool>? _controlWait;
    private bool _controlDone;
    private volatile bool _inputEnded;

    /// <summary>True when a frame can be read without waiting (a transport flushes its writes when this is false).</summary>
    public bool HasReady => turns.Control.TryPeek(out _) || (turns.OutputResumed.IsCompleted && data.TryPeek(out _));

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

            var resumed = turns.OutputResumed;
            TimeSpan hold = TimeSpan.Zero;
            if (resumed.IsCompleted && data.TryPeek(out var next))
            {
                if (next is TurnFrame tf && turns.IsWithheld(tf))
                {
                    data.TryRead(out _);
                    continue;
                }

                hold = next is AgentAudioFrame ? Hold() : TimeSpan.Zero;
                if (hold == TimeSpan.Zero && data.TryRead(out var frame))
                {
                    return frame;
                }
            }

            // Wait for whichever can unblock this reader: an interrupt, data, the end of a pause, or the playback lead draining.
            var waits = new List<Task>(4);
            if (!_controlDone)
            {
                _controlWait ??= control.WaitToReadAsync(cancellationToken).AsTask();
                waits.Add(_controlWait);
            }

            if (!resumed.IsCompleted)
            {
                waits.Add(resumed.WaitAsync(cancellationToken));
            }
            else if (hold > TimeSpan.Zero)
            {
                waits.Add(Task.Delay(hold, _time, cancellationToken));
            }
            else
            {
                _dataWait ??= data.WaitToReadAsync(cancellationToken).AsTask();
                waits.Add(_dataWait);
            }

            await Task.WhenAny(waits);
            cancellationToken.ThrowIfCancellationRequested();
            if (_controlWait is { IsCompleted: true })
            {
                // Completed (checked first): reading its result does not block.
#pragma warning disable CA1849
                _controlDone = _controlWait is { IsCompletedSuccessfully: true, Result: false };
#pragma warning restore CA1849
                _controlWait = null;
            }

            if (_dataWait is { IsCompleted: true })
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

    /// <summary>
    /// No more user audio will come (<c>is_close</c>, shutdown): nobody can talk over the agent any more, so the rest is
    /// sent as fast as it is made and the call closes without waiting out the reply's playing time.
    /// </summary>
    public void InputEnded() => _inputEnded = true;

    /// <summary>How long the next audio chunk must wait to keep playback at most the lead ahead; zero to send now.</summary>
    private TimeSpan Hold()
    {
        if (playbackLead <= TimeSpan.Zero || _inputEnded)
        {
            return TimeSpan.Zero;
        }

        // Once the lead is full, wait until half of it has played, then send a burst: a wake-up every lead/2, not per chunk.
        var ahead = turns.PlaybackLead;
        return ahead < playbackLead ? TimeSpan.Zero : ahead - (playbackLead / 2);
    }
}
