using System.Net.WebSockets;
using VoiceAgent.Harness.Client;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Harness.Load;

/// <summary>
/// The <c>load</c> command: N concurrent calls from one process, each speaking the WAV at real-time pace in a loop
/// (speech, silence, then silence until the agent's turn ends) and listening, until the duration is up.
/// </summary>
/// <param name="time">The clock that paces every call and bounds the run; the system's by default.</param>
public sealed class LoadRunner(LoadOptions options, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public LoadCounters Counters { get; } = new();

    public async Task<LoadSummary> RunAsync(CancellationToken cancellationToken)
    {
        var speech = SpeechAudio.FromFile(options.WavPath);
        var started = _time.GetTimestamp();
        var deadline = started + (long)(options.Duration.TotalSeconds * _time.TimestampFrequency);
        var phone = options.Carrier is { } carrier ? new PhoneLoadCall(options, Counters, PhoneLoadCall.Speech(speech, carrier), PhoneLoadCall.RateOf(carrier)) : null;
        var calls = Enumerable.Range(0, options.Calls)
            .Select(i => phone is null ? RunCallAsync(i, speech, deadline, cancellationToken) : RunPhoneCallAsync(i, phone, started, cancellationToken))
            .ToArray();
        var outcomes = await Task.WhenAll(calls);
        return LoadSummary.From(options, outcomes, _time.GetElapsedTime(started).TotalSeconds);
    }

    private async Task<CallOutcome> RunPhoneCallAsync(int index, PhoneLoadCall call, long started, CancellationToken cancellationToken)
    {
        var outcome = new CallOutcome { Index = index };
        await Task.Yield();
        if (options.Calls > 1 && options.Ramp > TimeSpan.Zero)
        {
            await Task.Delay(options.Ramp * index / options.Calls, _time, cancellationToken);
        }

        var left = options.Duration - _time.GetElapsedTime(started);
        if (left > TimeSpan.Zero)
        {
            await call.RunAsync(outcome, left, cancellationToken);
        }

        return outcome;
    }

    private async Task<CallOutcome> RunCallAsync(int index, SpeechAudio speech, long deadline, CancellationToken cancellationToken)
    {
        var outcome = new CallOutcome { Index = index };
        await Task.Yield();
        if (options.Calls > 1 && options.Ramp > TimeSpan.Zero)
        {
            await Task.Delay(options.Ramp * index / options.Calls, _time, cancellationToken);
        }

        VoiceCallSocket socket;
        try
        {
#pragma warning disable CA2000 // Owned by the await using below; nothing between the two can throw.
            socket = await VoiceCallSocket.ConnectAsync(options.Url, options.Token, options.ConnectTimeout, cancellationToken);
        }
#pragma warning restore CA2000
        catch (HarnessException ex)
        {
            outcome.ConnectFailed = true;
            outcome.Failure = ex.Message;
            Counters.ConnectFailure();
            return outcome;
        }

        Counters.CallStarted();
        await using (socket)
        {
            using var receiveCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var session = new CallSession(socket, $"load-{index}-{Guid.NewGuid():N}"[..24], new Observer(outcome, Counters), time: _time);
            var receiving = session.ReceiveAsync(receiveCts.Token);
            try
            {
                await SpeakUntilAsync(session, speech, deadline, cancellationToken);
                if (session.Ended)
                {
                    outcome.Dropped = true;
                }
                else
                {
                    await session.SendCloseAsync(cancellationToken).AsTask().WaitAsync(options.CloseTimeout, cancellationToken);
                    await receiving.WaitAsync(options.CloseTimeout, cancellationToken);
                }
            }
            catch (Exception ex) when (ex is WebSocketException or TimeoutException)
            {
                outcome.Dropped = true;
                outcome.Failure = ex.Message;
            }
            finally
            {
                await receiveCts.CancelAsync();
                await receiving.ContinueWith(_ => { }, TaskScheduler.Default);
                Counters.CallEnded();
            }

            outcome.CloseStatus = (int?)session.CloseStatus;
            if (session.CloseStatus != WebSocketCloseStatus.NormalClosure)
            {
                outcome.Dropped = true;
                outcome.Failure ??= $"closed with {(int?)session.CloseStatus} '{session.CloseDescription}'";
            }

            if (outcome.Dropped)
            {
                Counters.Drop();
            }

            outcome.FrameLagMs = session.FrameLagMs;
            outcome.Turns = session.TurnsCompleted;
            outcome.ErrorFrames = session.ErrorFrames;
            if (outcome.ErrorFrames > 0)
            {
                outcome.Failure ??= session.ErrorMessages.FirstOrDefault();
            }
        }

        return outcome;
    }

    private async Task SpeakUntilAsync(CallSession session, SpeechAudio speech, long deadline, CancellationToken cancellationToken)
    {
        var frameBytes = AudioFormat.Pcm16Mono16k.BytesFor(options.FrameMs);
        var silence = new byte[frameBytes];
        var origin = session.Now;
        long audioMs = 0;

        async Task<bool> SendAsync(ReadOnlyMemory<byte> pcm, bool voiced)
        {
            audioMs += options.FrameMs;
            var due = session.After(origin, TimeSpan.FromMilliseconds(audioMs));
            if (due > deadline || session.Ended)
            {
                return false;
            }

            await session.SendFrameAsync(pcm, due, wait: true, voiced, cancellationToken);
            Counters.FrameSent(session.FrameLagMs[^1]);
            return true;
        }

        while (session.Now < deadline && !session.Ended)
        {
            var before = session.TurnsCompleted;
            for (var off = 0; off < speech.Pcm.Length; off += frameBytes)
            {
                var frame = speech.Pcm.AsMemory(off, Math.Min(frameBytes, speech.Pcm.Length - off));
                if (!await SendAsync(frame, speech.IsVoiced(frame.Span)))
                {
                    return;
                }
            }

            for (var ms = 0; ms < options.TrailingSilenceMs; ms += options.FrameMs)
            {
                if (!await SendAsync(silence, voiced: false))
                {
                    return;
                }
            }

            // The microphone stays open while the agent answers: silence until its turn ends (or it never does).
            var waitUntil = session.After(session.Now, options.ReplyTimeout);
            while (session.TurnsCompleted <= before && session.Now < waitUntil)
            {
                if (!await SendAsync(silence, voiced: false))
                {
                    return;
                }
            }

            // The reply arrived faster than real time; a listener hears it out before speaking again, or it barges in.
            var listenMs = session.TurnsCompleted > before ? session.Turns[^1].AgentAudioMs : 0;
            for (var ms = 0.0; ms < listenMs; ms += options.FrameMs)
            {
                if (!await SendAsync(silence, voiced: false))
                {
                    return;
                }
            }
        }
    }

    private sealed class Observer(CallOutcome outcome, LoadCounters counters) : ICallObserver
    {
        public void OnMessage(ServerMessage message)
        {
            if (message.Type is "error" or "invalid")
            {
                counters.Error();
            }
        }

        public void OnTurnEnded(TurnResult turn)
        {
            counters.TurnEnded();
            if (turn.VoiceToVoiceMs is { } v2v)
            {
                outcome.VoiceToVoiceMs.Add(v2v);
            }

            if (turn.Server?.FirstAudio is { } first)
            {
                outcome.ServerFirstAudioMs.Add(first);
            }
        }
    }
}
