using System.Buffers;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Text;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Pipeline.Tts;

/// <summary>
/// One reply spoken by a duplex engine: its open synthesis, the reader that turns the engine's sentences and audio into
/// frames, the raw text so far (for transcripts, and to replay on the sentence path if the engine fails before any audio).
/// </summary>
internal sealed class DuplexReply(TurnId turn, CancellationToken turnToken)
{
    private readonly StringBuilder _raw = new();
    private readonly SpeechTextFilter _filter = new();
    private int _emittedUpTo;

    public TurnId Turn { get; } = turn;

    public CancellationToken Token { get; } = turnToken;

    public DuplexReplyMode Mode { get; set; } = DuplexReplyMode.Duplex;

    public IDuplexSynthesis? Synthesis { get; private set; }

    public Task Reader { get; private set; } = Task.CompletedTask;

    /// <summary>The LLM's pieces sent to the engine so far, to replay on the sentence path.</summary>
    public List<ReplyTextFrame> Held { get; } = [];

    /// <summary>Set (once) by the reader or a send: what made the engine fail, if it did.</summary>
    public Exception? Failure { get; set; }

    /// <summary>Audio went out: from now on a failure cannot be hidden by starting over.</summary>
    public bool HeardAudio { get; private set; }

    /// <summary>How much of the reply's audio went out, across the tasks a tool call's pause splits it into.</summary>
    public TimeSpan Offset { get; private set; }

    public void AppendRaw(string text) => _raw.Append(text);

    /// <summary>A piece of the LLM's text made fit for the ear: code blocks dropped, markup cleaned, the spaces around it kept.</summary>
    public string Filter(string token) => Clean(_filter.Filter(token).ToString());

    /// <summary>What the code-block filter still held at the end of the reply.</summary>
    public string FilterFlush() => Clean(_filter.Flush().ToString());

    // The cleaner trims, and the engine joins the pieces as sent: the whitespace at either end is put back.
    private static string Clean(string piece)
    {
        if (piece.Length == 0 || string.IsNullOrWhiteSpace(piece))
        {
            return piece;
        }

        var cleaned = SpeechTextCleaner.Clean(piece).Trim();
        var lead = char.IsWhiteSpace(piece[0]) ? " " : "";
        var trail = char.IsWhiteSpace(piece[^1]) && cleaned.Length > 0 ? " " : "";
        return lead + cleaned + trail;
    }

    public void Open(IDuplexSynthesis synthesis, Func<DuplexReply, IDuplexSynthesis, Task> read)
    {
        Synthesis = synthesis;
        Reader = read(this, synthesis);
    }

    /// <summary>The reader ended (the task finished, failed or was cut off): the next text needs a new synthesis.</summary>
    public void Closed() => Synthesis = null;

    /// <summary>The engine's sentence with the raw text around it, so transcripts concatenate to the reply as written.</summary>
    public string TranscriptOf(string sentence)
    {
        var raw = _raw.ToString();
        var trimmed = sentence.Trim();
        var at = trimmed.Length == 0 ? -1 : raw.IndexOf(trimmed, _emittedUpTo, StringComparison.Ordinal);
        if (at >= 0)
        {
            var text = _emittedUpTo == 0 ? raw[..(at + trimmed.Length)].TrimStart() : raw[_emittedUpTo..(at + trimmed.Length)];
            _emittedUpTo = at + trimmed.Length;
            return text;
        }

        // Cleaned for the ear (markdown, links): not found as written, so it stands as the engine read it.
        var lead = _emittedUpTo > 0 && trimmed.Length > 0 && trimmed[0] < '\u2E80' ? " " : "";
        _emittedUpTo = Math.Max(_emittedUpTo, 1);
        return lead + trimmed;
    }

    /// <summary>Turns the engine's updates into sentence, word and audio frames at the output format, chunked.</summary>
    public async Task ReadAsync(IDuplexSynthesis synthesis, AudioFormat format, int chunkMs, IResamplerFactory resamplers, TurnTimeline timeline, ChannelWriter<Frame> output)
    {
        var framer = new AudioFramer(format.BytesFor(chunkMs));
        IResampler? resampler = null;
        var scratch = new ArrayBufferWriter<short>();
        string? sentence = null;
        var sentenceStart = Offset;
        var announced = true;
        var words = new List<WordTiming>();
        try
        {
            await foreach (var update in synthesis.ReadAsync(Token))
            {
                if (update.SentenceText is { } text)
                {
                    await EndSentenceAsync();
                    (sentence, announced, sentenceStart) = (text, false, Offset);
                    words.Clear();
                }

                foreach (var w in update.Words)
                {
                    words.Add(new WordTiming(w.Text, w.Start + sentenceStart, w.Duration));
                }

                if (update.Audio is not { } audio)
                {
                    continue;
                }

                if (!announced)
                {
                    announced = true;
                    timeline.Mark(Turn, TurnMilestone.FirstSentence);
                    await output.WriteAsync(new SentenceAudioStartedFrame(Turn, TranscriptOf(sentence ?? ""), [.. words], sentenceStart), Token);
                    words.Clear();
                }
                else if (words.Count > 0)
                {
                    await output.WriteAsync(new SentenceWordsFrame(Turn, [.. words]), Token);
                    words.Clear();
                }

                framer.Append(TtsStage.ToOutput(audio, format, resamplers, ref resampler, scratch));
                await SendChunksAsync(framer, format, timeline, output);
            }

            await EndSentenceAsync();
            if (resampler is not null)
            {
                scratch.ResetWrittenCount();
                resampler.Flush(scratch);
                framer.Append(Pcm16.AsBytes(scratch.WrittenSpan));
            }

            await SendChunksAsync(framer, format, timeline, output);
            await SendRemainderAsync(framer, format, output);
        }
        catch (OperationCanceledException) when (Token.IsCancellationRequested)
        {
            // A barge-in: what was not sent is dropped, and disposing the synthesis stops the engine.
        }
        catch (Exception ex)
        {
            Failure ??= ex;
        }
        finally
        {
            resampler?.Dispose();
            Closed();
            await synthesis.DisposeAsync();
        }

        // The sentence before a new one (or the last): its words if it had no audio, and its last partial chunk, so the
        // next sentence's offset is exact.
        async Task EndSentenceAsync()
        {
            if (sentence is not null && !announced)
            {
                announced = true;
                await output.WriteAsync(new SentenceAudioStartedFrame(Turn, TranscriptOf(sentence), [.. words], sentenceStart), Token);
            }
            else if (words.Count > 0)
            {
                await output.WriteAsync(new SentenceWordsFrame(Turn, [.. words]), Token);
            }

            words.Clear();
            await SendRemainderAsync(framer, format, output);
        }
    }

    private async Task SendChunksAsync(AudioFramer framer, AudioFormat format, TurnTimeline timeline, ChannelWriter<Frame> output)
    {
        while (framer.TryReadFrame(out var chunk))
        {
            var copy = chunk.ToArray();
            HeardAudio = true;
            timeline.Mark(Turn, TurnMilestone.FirstAudio);
            await output.WriteAsync(new AgentAudioFrame(Turn, new AudioChunk(copy, format)), Token);
            Offset += format.DurationOf(copy.Length);
        }
    }

    private async Task SendRemainderAsync(AudioFramer framer, AudioFormat format, ChannelWriter<Frame> output)
    {
        var rest = framer.TakeRemainder();
        if (rest.Length > 0)
        {
            HeardAudio = true;
            await output.WriteAsync(new AgentAudioFrame(Turn, new AudioChunk(rest, format)), Token);
            Offset += format.DurationOf(rest.Length);
        }
    }
}
