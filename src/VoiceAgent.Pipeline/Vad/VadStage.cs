using System.Threading.Channels;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Turns;
using VoiceAgent.Pipeline.Turns.Detection;

namespace VoiceAgent.Pipeline.Vad;

/// <summary>
/// Input audio → turn boundaries and the user's speech. Converts any input format to 16 kHz mono, frames it for the
/// detector, and lets the <see cref="VadEndpointer"/> decide, with the <see cref="ITurnDetector"/> choosing each pause's
/// end silence. A start while the agent is active is a barge-in, or with an <see cref="InterruptionPolicy"/> an overlap
/// that pauses the agent until the policy decides.
/// </summary>
/// <param name="turnDetector">This call's detector, disposed by the stage; null waits <c>EndSilenceMs</c> every time.</param>
/// <param name="interruptions">This call's policy; null (or disabled) interrupts after <c>BargeInMs</c> of speech.</param>
/// <param name="time">The wall clock that finds input audio missing (<c>MissingAudioMs</c>).</param>
public sealed class VadStage(
    IVoiceActivityDetectorFactory detectors,
    IResamplerFactory resamplers,
    VadEndpointerOptions options,
    TurnManager turns,
    TurnTimeline timeline,
    ITurnDetector? turnDetector = null,
    InterruptionPolicy? interruptions = null,
    TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public const int SampleRate = 16_000;

    private readonly AudioFormat _format = AudioFormat.Pcm16Mono16k;

    public async Task RunAsync(ChannelReader<Frame> input, ChannelWriter<Frame> output, CancellationToken cancellationToken)
    {
        using var detector = detectors.Create(SampleRate, options.FrameMs);

        // The detector states its window (WebRTC takes the configured FrameMs, Silero always 32 ms); everything frames by it.
        var frameBytes = _format.BytesFor(detector.FrameMs);
        using var converter = new InputConverter(resamplers, SampleRate);
        using var turnEnds = turnDetector;
        var call = new CallAudio(detector, new VadEndpointer(options, frameBytes, detector.FrameMs), new AudioFramer(frameBytes), converter);
        using var reader = new MissingAudioReader(input, () => CheckDue(call), _time);
        await FrameLoop.RunAsync(reader, output, frame => HandleAsync(frame, call, output, cancellationToken), cancellationToken);
    }

    /// <summary>Inside a turn, when to look again for missing input audio (null: not in a turn, or the check is off).</summary>
    private TimeSpan? CheckDue(CallAudio call)
    {
        if (options.MissingAudioMs == 0 || !call.Endpointer.InSpeech)
        {
            return null;
        }

        var late = call.Late(_time);
        var grace = TimeSpan.FromMilliseconds(options.MissingAudioMs);

        // Once audio is missing, look every frame: a partial arriving meanwhile may change the detector's wait.
        return late < grace ? grace - late : TimeSpan.FromMilliseconds(call.Detector.FrameMs);
    }

    /// <summary>
    /// The input stopped arriving inside a turn: the audio missing since the end of what was received counts as silence
    /// after the silence already heard, and the turn ends once that reaches the detector's wait, as if it had been sent.
    /// </summary>
    private UserSpeechEndedFrame? MissingAudio(CallAudio call)
    {
        var late = call.Late(_time);
        if (!call.Endpointer.InSpeech || late < TimeSpan.FromMilliseconds(options.MissingAudioMs))
        {
            return null;
        }

        var silence = TimeSpan.FromMilliseconds(call.Endpointer.SilenceRunMs) + late;
        var wait = turnDetector?.EndSilence(silence) ?? TimeSpan.FromMilliseconds(options.EndSilenceMs);
        if (silence < wait)
        {
            return null;
        }

        var speechEnd = TimeSpan.FromMilliseconds((call.Frames * call.Detector.FrameMs) - call.Endpointer.SilenceRunMs);
        call.Endpointer.EndTurn();
        interruptions?.SpeechEnded(call.Turn);
        return Ended(call.Turn, speechEnd, silence);
    }

    private async ValueTask HandleAsync(Frame frame, CallAudio call, ChannelWriter<Frame> output, CancellationToken cancellationToken)
    {
        switch (frame)
        {
            case MissingAudioCheck:
                if (MissingAudio(call) is { } ended)
                {
                    await output.WriteAsync(ended, cancellationToken);
                }

                break;
            case InputAudioFrame audio:
                call.Received(audio, _time);
                var produced = Process(call, audio);

                // The chunk's audio now sits in the framer (and in the frames produced): its array can go back.
                audio.ReturnToPool();
                foreach (var next in produced)
                {
                    await output.WriteAsync(next, cancellationToken);
                }

                break;
            case EndOfInputFrame:
                if (options.EnergyEndGate && call.Endpointer.InSpeech)
                {
                    call.Endpointer.Reset();
                    interruptions?.SpeechProgress(call.Turn, call.SpeechTime(call.Detector.FrameMs));
                    interruptions?.SpeechEnded(call.Turn);
                    await output.WriteAsync(Ended(call.Turn, TimeSpan.FromMilliseconds(call.Frames * call.Detector.FrameMs), TimeSpan.Zero), cancellationToken);
                }

                await output.WriteAsync(frame, cancellationToken);
                break;
            default:
                await output.WriteAsync(frame, cancellationToken);
                break;
        }
    }

    /// <summary>Frames the chunk and runs detector and endpointer on each frame; returns what the turn boundaries produce.</summary>
    /// <remarks>The list is the call's own, reused for every chunk (most chunks produce nothing): the caller writes it out before the next chunk.</remarks>
    private List<Frame> Process(CallAudio call, InputAudioFrame audio)
    {
        var produced = call.Produced;
        produced.Clear();
        call.Framer.Append(call.Converter.Convert(audio.Audio));
        while (call.Framer.TryReadFrame(out var pcm))
        {
            call.Frames++;
            var samples = Pcm16.AsSamples(pcm);
            var isSpeech = call.Detector.IsSpeech(samples);
            if (options.EnergyEndGate && call.Endpointer.InSpeech)
            {
                isSpeech = call.EndGate.IsSpeech(isSpeech, Pcm16.Rms(samples));
            }

            var streamTime = TimeSpan.FromMilliseconds(call.Frames * call.Detector.FrameMs);
            TimeSpan? endSilence = null;
            if (call.Endpointer.InSpeech)
            {
                turnDetector?.Observe(samples, isSpeech);
                call.SpeechFrames += isSpeech ? 1 : 0;
                if (!isSpeech && turnDetector is not null)
                {
                    endSilence = turnDetector.EndSilence(TimeSpan.FromMilliseconds(call.Endpointer.SilenceRunMs + call.Detector.FrameMs));
                }
            }

            // With the policy on, speech over the agent starts as soon as any turn would (MinSpeechMs): it pauses the agent at once.
            var overlapping = interruptions is { Enabled: true };
            switch (call.Endpointer.Process(pcm, isSpeech, turns.AgentActive && !overlapping, endSilence))
            {
                case EndpointerEvent.SpeechStarted:
                    call.EndGate.Reset();
                    call.Turn = overlapping && turns.AgentActive ? interruptions!.BeginOverlap() : turns.BeginTurn();
                    call.SpeechFrames = (options.MinSpeechMs + call.Detector.FrameMs - 1) / call.Detector.FrameMs;
                    turnDetector?.TurnStarted(call.Turn);
                    produced.Add(new UserSpeechStartedFrame(call.Turn, streamTime));
                    produced.Add(UserAudioFrame.Rented(call.Turn, call.Endpointer.PendingAudio));
                    break;
                case EndpointerEvent.Speech:
                    produced.Add(UserAudioFrame.Rented(call.Turn, pcm));
                    break;
                case EndpointerEvent.SpeechEnded:
                    interruptions?.SpeechEnded(call.Turn);
                    var waited = TimeSpan.FromMilliseconds(call.Endpointer.SilenceRunMs);
                    produced.Add(Ended(call.Turn, streamTime - waited, waited));
                    break;
            }

            if (isSpeech && call.Endpointer.InSpeech)
            {
                interruptions?.SpeechProgress(call.Turn, call.SpeechTime(call.Detector.FrameMs));
            }
        }

        return produced;
    }

    /// <param name="waited">The silence waited before deciding (zero when the input ended).</param>
    private UserSpeechEndedFrame Ended(TurnId turn, TimeSpan speechEnd, TimeSpan waited)
    {
        timeline.EndOfTurn(turn, waited);
        return new UserSpeechEndedFrame(turn, speechEnd);
    }

    /// <summary>The audio state of one call: detector, endpointer, framer, input converter, the turn and the frame count.</summary>
    private sealed class CallAudio(IVoiceActivityDetector detector, VadEndpointer endpointer, AudioFramer framer, InputConverter converter)
    {
        // The wall-clock time by which the audio received so far has been played out, as a real-time sender would send it.
        private long _audioUntil;

        public IVoiceActivityDetector Detector { get; } = detector;

        public VadEndpointer Endpointer { get; } = endpointer;

        public AudioFramer Framer { get; } = framer;

        public InputConverter Converter { get; } = converter;

        public SpeechEndGate EndGate { get; } = new();

        public List<Frame> Produced { get; } = [];

        public TurnId Turn { get; set; } = TurnId.None;

        public long Frames { get; set; }

        /// <summary>Frames of the current turn the VAD called speech (the pre-roll counts as the speech that started it).</summary>
        public int SpeechFrames { get; set; }

        public TimeSpan SpeechTime(int frameMs) => TimeSpan.FromMilliseconds(SpeechFrames * frameMs);

        /// <summary>Notes a chunk's arrival: its audio covers the wall clock from now (or from where the last one ended).</summary>
        public void Received(InputAudioFrame audio, TimeProvider time)
        {
            var now = time.GetTimestamp();
            var duration = audio.Audio.Format.DurationOf(audio.Audio.Data.Length);
            _audioUntil = Math.Max(_audioUntil, now) + (long)(duration.TotalSeconds * time.TimestampFrequency);
        }

        /// <summary>How long overdue the next input audio is (zero while audio received still covers the present).</summary>
        public TimeSpan Late(TimeProvider time)
        {
            var late = time.GetElapsedTime(_audioUntil);
            return _audioUntil == 0 || late < TimeSpan.Zero ? TimeSpan.Zero : late;
        }
    }
}
