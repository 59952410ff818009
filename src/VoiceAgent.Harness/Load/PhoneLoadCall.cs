using System.Net.WebSockets;
using VoiceAgent.Harness.Client;
using VoiceAgent.Harness.Phone;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Harness.Load;

/// <summary>
/// One <c>load --carrier</c> call: a carrier's media stream (<see cref="PhoneLine"/>) that speaks the WAV at real-time
/// pace in 20 ms frames, as carriers send them (continuous: silence between words), in a loop until the deadline,
/// listening to each reply played out on the simulated line and echoing its marks; then hangs up as the carrier does.
/// </summary>
internal sealed class PhoneLoadCall(LoadOptions options, LoadCounters counters, short[] question, int rate)
{
    private const int FrameMs = 20; // carriers send 20 ms frames whatever --frame-ms says

    /// <summary>The caller's speech at the carrier's rate (Vonage L16 16 kHz, the others 8 kHz).</summary>
    public static short[] Speech(SpeechAudio speech, string carrier) =>
        PhoneLine.ToLineRate(new AudioChunk(speech.Pcm, AudioFormat.Pcm16Mono16k), RateOf(carrier));

    public static int RateOf(string carrier) => carrier == "vonage" ? 16_000 : 8_000;

    public async Task RunAsync(CallOutcome outcome, TimeSpan left, CancellationToken cancellationToken)
    {
        var carrier = options.Carrier!;
        PhoneLine line;
        try
        {
            using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connect.CancelAfter(options.ConnectTimeout);
#pragma warning disable CA2000 // Owned by the await using below; nothing between the two can throw.
            line = await PhoneLine.ConnectAsync(PhoneLine.StreamUrl(options.Url, carrier, options.Token), carrier, rate, connect.Token);
#pragma warning restore CA2000
        }
        catch (Exception ex) when (ex is HarnessException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            outcome.ConnectFailed = true;
            outcome.Failure = ex.Message;
            counters.ConnectFailure();
            return;
        }

        counters.CallStarted();
        await using (line)
        {
            var receiving = line.ReceiveAsync(cancellationToken);
            try
            {
                await line.StartAsync($"+1555{outcome.Index:D7}", $"CA-load-{outcome.Index}-{Guid.NewGuid():N}", carrier == "twilio" ? options.Token : null);
                await SpeakUntilAsync(line, outcome, receiving, line.Now + left.TotalMilliseconds, cancellationToken);
                if (receiving.IsCompleted)
                {
                    outcome.Dropped = true;
                }
                else
                {
                    await line.HangUpAsync(cancellationToken);
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
                counters.CallEnded();
            }

            outcome.CloseStatus = (int?)line.CloseStatus;
            if (line.CloseStatus != WebSocketCloseStatus.NormalClosure)
            {
                outcome.Dropped = true;
                outcome.Failure ??= $"closed with {(int?)line.CloseStatus}";
            }

            if (outcome.Dropped)
            {
                counters.Drop();
            }
        }
    }

    private async Task SpeakUntilAsync(PhoneLine line, CallOutcome outcome, Task receiving, double deadline, CancellationToken cancellationToken)
    {
        var frame = rate * FrameMs / 1000;
        var silence = new short[frame];
        var origin = line.Now;
        long sent = 0;

        async Task<bool> SendAsync(ReadOnlyMemory<short> pcm)
        {
            var due = origin + (++sent * FrameMs);
            if (due > deadline || receiving.IsCompleted)
            {
                return false;
            }

            var ahead = due - line.Now;
            if (ahead > 0.5)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(ahead), cancellationToken);
            }

            await line.SendFrameAsync(pcm.Span);
            var lag = Math.Max(0, line.Now - due);
            outcome.FrameLagMs.Add((float)lag);
            counters.FrameSent(lag);
            return true;
        }

        while (line.Now < deadline && !receiving.IsCompleted)
        {
            for (var off = 0; off < question.Length; off += frame)
            {
                if (!await SendAsync(question.AsMemory(off, Math.Min(frame, question.Length - off))))
                {
                    return;
                }
            }

            line.SpeechEnded();
            for (var ms = 0; ms < options.TrailingSilenceMs; ms += FrameMs)
            {
                if (!await SendAsync(silence))
                {
                    return;
                }
            }

            // The line stays open while the agent answers: silence until its reply has played out (or it never comes).
            var waitUntil = line.Now + options.ReplyTimeout.TotalMilliseconds;
            while (!(line.ReplyAt is not null && !line.Playing && line.Now - line.LastActivityAt > 300) && line.Now < waitUntil)
            {
                if (!await SendAsync(silence))
                {
                    return;
                }
            }

            if (line.ReplyAt is { } reply && line.SpeechEndAt is { } end)
            {
                outcome.Turns++;
                outcome.VoiceToVoiceMs.Add(reply - end);
                counters.TurnEnded();
            }
        }
    }
}
