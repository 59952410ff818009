using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Pipeline.Tts;

/// <summary>
/// Sentences → the agent's speech: announces each sentence with its word timings (offset to the reply's audio clock),
/// then sends its audio in chunks of at most <see cref="TtsStageOptions.ChunkMs"/>. Stale or cancelled turns are dropped.
/// </summary>
public sealed partial class TtsStage(
    ITextToSpeechClient tts,
    TurnManager turns,
    TurnTimeline timeline,
    TtsStageOptions options,
    IResamplerFactory resamplers,
    Func<TextToSpeechOptions?>? speechOptions = null,
    ILogger? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly AudioFormat _format = options.OutputFormat;

    public Task RunAsync(ChannelReader<Frame> input, ChannelWriter<Frame> output, CancellationToken cancellationToken)
    {
        var reply = new ReplyClock();
        return FrameLoop.RunAsync(input, output, frame => HandleAsync(frame, reply, output, cancellationToken), cancellationToken);
    }

    private async ValueTask HandleAsync(Frame frame, ReplyClock reply, ChannelWriter<Frame> output, CancellationToken cancellationToken)
    {
        if (frame is TurnFrame tf && turns.IsStale(tf))
        {
            return;
        }

        switch (frame)
        {
            case SentenceFrame sentence when sentence.Turn != reply.FailedTurn:
                if (sentence.Turn != reply.Turn)
                {
                    (reply.Turn, reply.Offset) = (sentence.Turn, TimeSpan.Zero);
                }

                var turnToken = turns.TokenFor(sentence.Turn);
                if (turnToken.IsCancellationRequested)
                {
                    // The turn was cut off (a barge-in, or the listener left) with sentences still queued: none is spoken.
                    break;
                }

                try
                {
                    reply.Offset += await SpeakAsync(sentence, reply, output, turnToken);
                }
                catch (OperationCanceledException) when (turnToken.IsCancellationRequested)
                {
                    // A barge-in (or the end of the session): what was not sent is dropped. Only the turn's own token says
                    // so; any other cancellation (an SDK's network timeout) is the engine failing, handled below.
                }
                catch (Exception ex)
                {
                    LogSynthesisFailed(_logger, sentence.Turn.Value, ex);
                    reply.FailedTurn = sentence.Turn;
                    await SpeakFailureAsync(sentence.Turn, reply, output, turnToken);
                    await output.WriteAsync(new ErrorFrame(sentence.Turn, PipelineError.EngineFailed("Speech synthesis", ex.Message)), cancellationToken);
                }

                break;
            case SentenceFrame:
                break;
            case ReplyEndFrame end when end.Turn == reply.FailedTurn && end.Error is null:
                await output.WriteAsync(end with { FinishReason = "error", Error = PipelineError.EngineFailed("Speech synthesis", "see the earlier error") }, cancellationToken);
                break;
            default:
                await output.WriteAsync(frame, cancellationToken);
                break;
        }
    }

    /// <summary>
    /// After a sentence failed (its engine and any fallback behind it), one attempt to tell the listener, so a reply does
    /// not just fall silent: a fallback engine (or the same one, recovered) may well speak it. Its own failure is only logged.
    /// </summary>
    private async Task SpeakFailureAsync(TurnId turn, ReplyClock reply, ChannelWriter<Frame> output, CancellationToken turnToken)
    {
        if (string.IsNullOrWhiteSpace(options.FailureMessage) || turnToken.IsCancellationRequested)
        {
            return;
        }

        var spoken = options.FailureMessage.Trim();
        var lead = reply.Offset > TimeSpan.Zero ? " " : "";
        try
        {
            reply.Offset += await SpeakAsync(new SentenceFrame(turn, lead + spoken, spoken), reply, output, turnToken);
        }
        catch (OperationCanceledException) when (turnToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogFailureMessageFailed(_logger, turn.Value, ex);
        }
    }

    /// <summary>Speaks one sentence; returns the length of the audio sent.</summary>
    private async Task<TimeSpan> SpeakAsync(SentenceFrame sentence, ReplyClock reply, ChannelWriter<Frame> output, CancellationToken token)
    {
        var replyOffset = reply.Offset;
        if (string.IsNullOrWhiteSpace(sentence.SpeakText))
        {
            // Nothing to say aloud (a code block, an emoji): the text still belongs to the transcript.
            await output.WriteAsync(new SentenceAudioStartedFrame(sentence.Turn, sentence.Text, [], replyOffset), token);
            return TimeSpan.Zero;
        }

        timeline.SynthesisStarted(sentence.Turn);
        var words = new List<WordTiming>();
        var later = new List<WordTiming>();
        var framer = new AudioFramer(_format.BytesFor(options.ChunkMs));
        IResampler? resampler = null;
        var resampled = reply.Resampled;
        var announced = false;
        long bytesSent = 0;
        try
        {
            await foreach (var update in tts.GetStreamingAudioAsync(sentence.SpeakText, speechOptions?.Invoke(), token))
            {
                foreach (var content in update.Contents)
                {
                    if (content is WordTimingContent w)
                    {
                        (announced ? later : words).Add(new WordTiming(w.Text, w.Start + replyOffset, w.Duration));
                        continue;
                    }

                    if (content is not DataContent { } data || !data.HasTopLevelMediaType("audio"))
                    {
                        continue;
                    }

                    if (!announced)
                    {
                        announced = true;
                        timeline.Mark(sentence.Turn, TurnMilestone.FirstSentence);
                        await output.WriteAsync(new SentenceAudioStartedFrame(sentence.Turn, sentence.Text, [.. words], replyOffset), token);
                    }
                    else if (later.Count > 0)
                    {
                        // Words timed after the first audio (a remote engine): they go out ahead of the audio they start in.
                        await output.WriteAsync(new SentenceWordsFrame(sentence.Turn, [.. later]), token);
                        later.Clear();
                    }

                    var format = EngineFormat(data, _format);
                    if (IsOutputFormat(format, _format))
                    {
                        bytesSent += await SendSlicesAsync(sentence, framer, data.Data, output, token);
                    }
                    else
                    {
                        framer.Append(ToOutput(data, format, _format, resamplers, ref resampler, resampled));
                        bytesSent += await SendChunksAsync(sentence, framer, output, token);
                    }
                }
            }

            if (resampler is not null)
            {
                resampled.ResetWrittenCount();
                resampler.Flush(resampled);
                framer.Append(Pcm16.AsBytes(resampled.WrittenSpan));
                bytesSent += await SendChunksAsync(sentence, framer, output, token);
            }

            if (!announced)
            {
                await output.WriteAsync(new SentenceAudioStartedFrame(sentence.Turn, sentence.Text, [.. words], replyOffset), token);
            }
            else if (later.Count > 0)
            {
                await output.WriteAsync(new SentenceWordsFrame(sentence.Turn, [.. later]), token);
            }

            var rest = framer.TakeRemainder();
            if (rest.Length > 0)
            {
                await output.WriteAsync(new AgentAudioFrame(sentence.Turn, new AudioChunk(rest, _format)), token);
                bytesSent += rest.Length;
            }
        }
        finally
        {
            resampler?.Dispose();
        }

        return _format.DurationOf((int)bytesSent);
    }

    private async ValueTask<int> SendChunksAsync(SentenceFrame sentence, AudioFramer framer, ChannelWriter<Frame> output, CancellationToken token)
    {
        var sent = 0;
        while (framer.TryReadFrame(out var chunk))
        {
            var copy = chunk.ToArray();
            sent += copy.Length;
            timeline.Mark(sentence.Turn, TurnMilestone.FirstAudio);
            await output.WriteAsync(new AgentAudioFrame(sentence.Turn, new AudioChunk(copy, _format)), token);
        }

        return sent;
    }

    /// <summary>
    /// Sends the engine's own audio (already in the output format) in the same chunks the framer would cut, but as
    /// slices of the engine's buffer: only a chunk that straddles two of the engine's buffers is copied (through the framer).
    /// </summary>
    private async ValueTask<int> SendSlicesAsync(SentenceFrame sentence, AudioFramer framer, ReadOnlyMemory<byte> audio, ChannelWriter<Frame> output, CancellationToken token)
    {
        var sent = 0;
        if (framer.Buffered > 0)
        {
            var topUp = Math.Min(framer.FrameBytes - framer.Buffered, audio.Length);
            framer.Append(audio.Span[..topUp]);
            audio = audio[topUp..];
            sent += await SendChunksAsync(sentence, framer, output, token);
        }

        while (audio.Length >= framer.FrameBytes)
        {
            var chunk = audio[..framer.FrameBytes];
            audio = audio[framer.FrameBytes..];
            sent += chunk.Length;
            timeline.Mark(sentence.Turn, TurnMilestone.FirstAudio);
            await output.WriteAsync(new AgentAudioFrame(sentence.Turn, new AudioChunk(chunk, _format)), token);
        }

        framer.Append(audio.Span);
        return sent;
    }

    /// <summary>The format of an engine's audio, read from its media type; PCM16 is required.</summary>
    private static AudioFormat EngineFormat(DataContent data, AudioFormat output) =>
        AudioFormat.TryParseMediaType(data.MediaType, out var format, output.SampleRate)
            ? format
            : throw new InvalidOperationException($"The TTS engine returned {data.MediaType}; PCM16 (audio/pcm) is required.");

    private static bool IsOutputFormat(AudioFormat format, AudioFormat output) => format.SampleRate == output.SampleRate && format.Channels == 1;

    /// <summary>
    /// An engine's audio in the stage's output format: as it is when it already is (mono PCM16 at the output rate), else
    /// mixed down and resampled into <paramref name="scratch"/> (reset first, so the caller keeps one for a whole stream
    /// and steady state allocates nothing), with one resampler kept per sentence. Shared with <see cref="DuplexReply"/>.
    /// The returned span is valid until <paramref name="scratch"/> is next written.
    /// </summary>
    internal static ReadOnlySpan<byte> ToOutput(DataContent data, AudioFormat output, IResamplerFactory resamplers, ref IResampler? resampler, ArrayBufferWriter<short> scratch) =>
        ToOutput(data, EngineFormat(data, output), output, resamplers, ref resampler, scratch);

    private static ReadOnlySpan<byte> ToOutput(DataContent data, AudioFormat format, AudioFormat output, IResamplerFactory resamplers, ref IResampler? resampler, ArrayBufferWriter<short> scratch)
    {
        if (IsOutputFormat(format, output))
        {
            return data.Data.Span;
        }

        var samples = Pcm16.AsSamples(data.Data.Span);
        if (format.Channels != 1)
        {
            samples = AudioConversion.ToMono(samples, format.Channels); // engines speak mono; a stereo one pays for a copy
        }

        resampler ??= resamplers.Create(format.SampleRate, output.SampleRate);
        scratch.ResetWrittenCount();
        resampler.Process(samples, scratch);
        return Pcm16.AsBytes(scratch.WrittenSpan);
    }

    /// <summary>The reply being spoken: its turn, how much of its audio was sent, the turn whose synthesis failed, and the resampling buffer.</summary>
    private sealed class ReplyClock
    {
        public TurnId Turn { get; set; } = TurnId.None;

        public TimeSpan Offset { get; set; }

        public TurnId FailedTurn { get; set; } = TurnId.None;

        /// <summary>Resampled engine audio, one buffer for the stage's whole run, reset per chunk.</summary>
        public ArrayBufferWriter<short> Resampled { get; } = new();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speech synthesis failed in turn {Turn}")]
    private static partial void LogSynthesisFailed(ILogger logger, long turn, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The spoken failure message could not be synthesised either in turn {Turn}")]
    private static partial void LogFailureMessageFailed(ILogger logger, long turn, Exception exception);
}
