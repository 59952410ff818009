using System.Threading.Channels;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Pipeline.Vad;

/// <summary>
/// Input audio → turn boundaries and the user's speech. Converts any input format to 16 kHz mono, frames it for the
/// detector, and lets the <see cref="VadEndpointer"/> decide; a start while the agent is active is a barge-in.
/// </summary>
public sealed class VadStage(IVoiceActivityDetectorFactory detectors, IResamplerFactory resamplers, VadEndpointerOptions options, TurnManager turns, TurnTimeline timeline)
{
    public const int SampleRate = 16_000;

    private readonly AudioFormat _format = AudioFormat.Pcm16Mono16k;

    public async Task RunAsync(ChannelReader<Frame> input, ChannelWriter<Frame> output, CancellationToken cancellationToken)
    {
        // The detector states its window (WebRTC takes the configured FrameMs, Silero always 32 ms); everything frames by it.
        using var detector = detectors.Create(SampleRate, options.FrameMs);
        var frameBytes = _format.BytesFor(detector.FrameMs);
        using var converter = new InputConverter(resamplers, SampleRate);
        var call = new CallAudio(detector, new VadEndpointer(options, frameBytes, detector.FrameMs), new AudioFramer(frameBytes), converter);
        await FrameLoop.RunAsync(input, output, frame => HandleAsync(frame, call, output, cancellationToken), cancellationToken);
    }

    private async ValueTask HandleAsync(Frame frame, CallAudio call, ChannelWriter<Frame> output, CancellationToken cancellationToken)
    {
        switch (frame)
        {
            case InputAudioFrame audio:
                foreach (var next in Process(call, audio))
                {
                    await output.WriteAsync(next, cancellationToken);
                }

                break;
            case EndOfInputFrame:
                if (options.EnergyEndGate && call.Endpointer.InSpeech)
                {
                    call.Endpointer.Reset();
                    await output.WriteAsync(Ended(call.Turn, TimeSpan.FromMilliseconds(call.Frames * call.Detector.FrameMs)), cancellationToken);
                }

                await output.WriteAsync(frame, cancellationToken);
                break;
            default:
                await output.WriteAsync(frame, cancellationToken);
                break;
        }
    }

    /// <summary>Frames the chunk and runs detector and endpointer on each frame; returns what the turn boundaries produce.</summary>
    private List<Frame> Process(CallAudio call, InputAudioFrame audio)
    {
        var produced = new List<Frame>();
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
            switch (call.Endpointer.Process(pcm, isSpeech, turns.AgentActive))
            {
                case EndpointerEvent.SpeechStarted:
                    call.EndGate.Reset();
                    call.Turn = turns.BeginTurn();
                    produced.Add(new UserSpeechStartedFrame(call.Turn, streamTime));
                    produced.Add(new UserAudioFrame(call.Turn, call.Endpointer.PendingAudio.ToArray()));
                    break;
                case EndpointerEvent.Speech:
                    produced.Add(new UserAudioFrame(call.Turn, pcm.ToArray()));
                    break;
                case EndpointerEvent.SpeechEnded:
                    produced.Add(Ended(call.Turn, streamTime - TimeSpan.FromMilliseconds(options.EndSilenceMs)));
                    break;
            }
        }

        return produced;
    }

    private UserSpeechEndedFrame Ended(TurnId turn, TimeSpan speechEnd)
    {
        timeline.Mark(turn, TurnMilestone.Start);
        return new UserSpeechEndedFrame(turn, speechEnd);
    }

    /// <summary>The audio state of one call: detector, endpointer, framer, input converter, the turn and the frame count.</summary>
    private sealed class CallAudio(IVoiceActivityDetector detector, VadEndpointer endpointer, AudioFramer framer, InputConverter converter)
    {
        public IVoiceActivityDetector Detector { get; } = detector;

        public VadEndpointer Endpointer { get; } = endpointer;

        public AudioFramer Framer { get; } = framer;

        public InputConverter Converter { get; } = converter;

        public SpeechEndGate EndGate { get; } = new();

        public TurnId Turn { get; set; } = TurnId.None;

        public long Frames { get; set; }
    }
}
