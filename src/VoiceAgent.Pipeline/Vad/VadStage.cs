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
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        Exception? failure = null;
        var frameBytes = _format.BytesFor(options.FrameMs);
        using var detector = detectors.Create(SampleRate, options.FrameMs);
        var endpointer = new VadEndpointer(options, frameBytes);
        var framer = new AudioFramer(frameBytes);
        var converter = new InputConverter(resamplers, SampleRate);
        var turn = TurnId.None;
        long frames = 0;
        try
        {
            await foreach (var frame in input.ReadAllAsync(cancellationToken))
            {
                switch (frame)
                {
                    case InputAudioFrame audio:
                        framer.Append(converter.Convert(audio.Audio));
                        while (framer.TryReadFrame(out var pcm))
                        {
                            frames++;
                            var isSpeech = detector.IsSpeech(Pcm16.AsSamples(pcm));
                            var ev = endpointer.Process(pcm, isSpeech, turns.AgentActive);
                            var streamTime = TimeSpan.FromMilliseconds(frames * options.FrameMs);
                            var next = ev switch
                            {
                                EndpointerEvent.SpeechStarted => Started(ref turn, endpointer, streamTime),
                                EndpointerEvent.Speech => [new UserAudioFrame(turn, pcm.ToArray())],
                                EndpointerEvent.SpeechEnded => Ended(turn, streamTime - TimeSpan.FromMilliseconds(options.EndSilenceMs)),
                                _ => [],
                            };
                            foreach (var f in next)
                            {
                                await output.WriteAsync(f, cancellationToken);
                            }
                        }

                        break;
                    case EndOfInputFrame:
                        if (endpointer.InSpeech)
                        {
                            endpointer.Reset();
                            await output.WriteAsync(Ended(turn, TimeSpan.FromMilliseconds(frames * options.FrameMs))[0], cancellationToken);
                        }

                        await output.WriteAsync(frame, cancellationToken);
                        break;
                    default:
                        await output.WriteAsync(frame, cancellationToken);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        finally
        {
            converter.Dispose();
            output.TryComplete(failure);
        }
    }

    private Frame[] Started(ref TurnId turn, VadEndpointer endpointer, TimeSpan streamTime)
    {
        turn = turns.BeginTurn();
        return [new UserSpeechStartedFrame(turn, streamTime), new UserAudioFrame(turn, endpointer.PendingAudio.ToArray())];
    }

    private Frame[] Ended(TurnId turn, TimeSpan speechEnd)
    {
        timeline.Mark(turn, TurnMilestone.Start);
        return [new UserSpeechEndedFrame(turn, speechEnd)];
    }
}
