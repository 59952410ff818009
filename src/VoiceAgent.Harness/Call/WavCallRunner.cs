using System.Net.WebSockets;
using VoiceAgent.Harness.Client;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Harness.Call;

/// <summary>The <c>call --wav</c> command: speaks a WAV file into a call, waits for each answer, closes with <c>is_close</c>.</summary>
public static class WavCallRunner
{
    public static async Task<CallReport> RunAsync(CallOptions options, ICallObserver? observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var speech = SpeechAudio.FromFile(options.WavPath ?? throw new HarnessException("--wav is required (or use --mic)."));
        await using var socket = await VoiceCallSocket.ConnectAsync(options.Url, options.Token, options.ConnectTimeout, cancellationToken);
        var session = new CallSession(socket, options.SessionId, observer, keepAudio: true);
        var receiving = session.ReceiveAsync(cancellationToken);
        var frameBytes = AudioFormat.Pcm16Mono16k.BytesFor(options.FrameMs);
        var silence = new byte[frameBytes];
        var origin = session.Now;
        long audioMs = 0;

        async Task SendAsync(ReadOnlyMemory<byte> pcm, bool voiced)
        {
            audioMs += options.FrameMs;
            var due = options.Fast ? 0 : session.After(origin, TimeSpan.FromMilliseconds(audioMs));
            await session.SendFrameAsync(pcm, due, wait: true, voiced, cancellationToken).AsTask().WaitAsync(options.TurnTimeout, cancellationToken);
        }

        try
        {
            for (var pass = 0; pass < options.Turns; pass++)
            {
                var before = session.TurnsCompleted;
                for (var off = 0; off < speech.Pcm.Length; off += frameBytes)
                {
                    var frame = speech.Pcm.AsMemory(off, Math.Min(frameBytes, speech.Pcm.Length - off));
                    await SendAsync(frame, speech.IsVoiced(frame.Span));
                }

                for (var ms = 0; ms < options.TrailingSilenceMs; ms += options.FrameMs)
                {
                    await SendAsync(silence, voiced: false);
                }

                if (!await session.WaitForTurnsAsync(before + 1, options.TurnTimeout, cancellationToken))
                {
                    throw new HarnessException($"No reply: the agent did not finish a turn within {options.TurnTimeout.TotalSeconds:F0} s after turn {pass + 1} was spoken{Why(session)}.");
                }

                // The reply arrives faster than real time; a listener hears it out before speaking again, or it barges in.
                var listenMs = session.Turns[^1].AgentAudioMs;
                for (var ms = 0.0; ms < listenMs && pass + 1 < options.Turns; ms += options.FrameMs)
                {
                    await SendAsync(silence, voiced: false);
                }
            }

            await session.SendCloseAsync(cancellationToken).AsTask().WaitAsync(options.TurnTimeout, cancellationToken);
            await receiving.WaitAsync(options.TurnTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is WebSocketException or TimeoutException)
        {
            throw new HarnessException($"The call broke: {ex.Message}{Why(session)}", ex);
        }

        var report = new CallReport(session.SessionId, session.Turns, session.AgentAudio(), session.OutputSampleRate, session.CloseStatus, session.CloseDescription, session.ErrorMessages, session.FrameLagMs);
        if (options.SavePath is { } path)
        {
            await File.WriteAllBytesAsync(path, WavFile.Write(new AudioChunk(report.AgentAudio, AudioFormat.Pcm16Mono(report.AgentSampleRate))), cancellationToken);
        }

        if (!report.ClosedNormally)
        {
            throw new HarnessException($"The server closed the call with {(int?)report.CloseStatus} '{report.CloseDescription}', not 1000.");
        }

        return report;
    }

    private static string Why(CallSession session) =>
        session.CloseStatus is { } s ? $" (server closed with {(int)s} '{session.CloseDescription}')"
        : session.ErrorMessages.Count > 0 ? $" (last server error: {session.ErrorMessages[^1]})"
        : "";
}
