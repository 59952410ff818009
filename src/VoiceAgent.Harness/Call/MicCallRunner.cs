using System.Net.WebSockets;
using VoiceAgent.Harness.Audio;
using VoiceAgent.Harness.Client;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Harness.Call;

/// <summary>The <c>call --mic</c> command: microphone into the call until Ctrl+C, optionally the agent out of the speakers.</summary>
public static class MicCallRunner
{
    /// <summary>RMS above which a microphone frame counts as speech, for voice-to-voice timing.</summary>
    public const double VoiceThreshold = 500;

    public static async Task<CallReport> RunAsync(CallOptions options, bool play, ICallObserver captions, TextWriter status, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(status);
        using var microphone = new Microphone(SpeechAudio.SampleRate, options.FrameMs, TimeProvider.System);
        await using var socket = await VoiceCallSocket.ConnectAsync(options.Url, options.Token, options.ConnectTimeout, stop);

        // The call's own token outlives Ctrl+C, so the harness can still say is_close and hear the last answer.
        using var call = new CancellationTokenSource();
        Speakers? speakers = null;
        var observer = new PlaybackObserver(captions, () => speakers);
        var session = new CallSession(socket, options.SessionId, observer, keepAudio: options.SavePath is not null, time: TimeProvider.System);
        var receiving = session.ReceiveAsync(call.Token);
        try
        {
            if (play)
            {
                speakers = new Speakers(16_000);
            }

            await status.WriteLineAsync("Listening: speak; Ctrl+C ends the call.");
            try
            {
                await foreach (var frame in microphone.Frames.ReadAllAsync(stop))
                {
                    var pcm = Pcm16.ToBytes(frame.Samples);
                    await session.SendFrameAsync(pcm, frame.CapturedAt, wait: false, Pcm16.Rms(frame.Samples) >= VoiceThreshold, call.Token);
                    if (session.Ended)
                    {
                        break;
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }

            if (!session.Ended)
            {
                await session.SendCloseAsync(call.Token).AsTask().WaitAsync(options.TurnTimeout, CancellationToken.None);
                await receiving.WaitAsync(options.TurnTimeout, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or TimeoutException)
        {
            throw new HarnessException("The call broke: " + ex.Message, ex);
        }
        finally
        {
            await call.CancelAsync();
            speakers?.Dispose();
        }

        var report = new CallReport(session.SessionId, session.Turns, session.AgentAudio(), session.OutputSampleRate, session.CloseStatus, session.CloseDescription, session.ErrorMessages, session.FrameLagMs);
        if (options.SavePath is { } path)
        {
            await File.WriteAllBytesAsync(path, WavFile.Write(new AudioChunk(report.AgentAudio, AudioFormat.Pcm16Mono(report.AgentSampleRate))), CancellationToken.None);
        }

        if (!report.ClosedNormally)
        {
            throw new HarnessException($"The server closed the call with {(int?)report.CloseStatus} '{report.CloseDescription}', not 1000.");
        }

        return report;
    }

    private sealed class PlaybackObserver(ICallObserver captions, Func<Speakers?> speakers) : ICallObserver
    {
        public void OnMessage(ServerMessage message)
        {
            if (message.IsAudio)
            {
                speakers()?.TryEnqueue(message.Audio.Span);
            }
            else if (message.Type == "interrupt")
            {
                speakers()?.Flush();
            }

            captions.OnMessage(message);
        }

        public void OnTurnEnded(TurnResult turn) => captions.OnTurnEnded(turn);
    }
}
