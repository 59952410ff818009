using System.Threading.Channels;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Pipeline.Text;

/// <summary>
/// The reply's streamed text → sentences, each as soon as it is complete. Code fences are dropped before splitting;
/// each sentence carries its text as written (with the whitespace before it, so transcripts concatenate to the reply)
/// and its text cleaned for the ear. A failed reply's spoken failure message becomes its last sentence.
/// </summary>
public sealed class SentenceSplitterStage(TurnManager turns, SentenceSplitterOptions? options = null)
{
    public Task RunAsync(ChannelReader<Frame> input, ChannelWriter<Frame> output, CancellationToken cancellationToken)
    {
        var reply = new ReplyText(options ?? new SentenceSplitterOptions());
        var sentences = new List<string>();
        return FrameLoop.RunAsync(input, output, frame => HandleAsync(frame, reply, sentences, output, cancellationToken), cancellationToken);
    }

    private async ValueTask HandleAsync(Frame frame, ReplyText reply, List<string> sentences, ChannelWriter<Frame> output, CancellationToken cancellationToken)
    {
        if (frame is TurnFrame tf && turns.IsStale(tf))
        {
            return;
        }

        switch (frame)
        {
            case ReplyTextFrame text:
                reply.StartIfNew(text.Turn);
                sentences.Clear();
                reply.Append(text.Text, sentences);
                if (text.Flush)
                {
                    sentences.AddRange(reply.Flush());
                }

                foreach (var s in sentences)
                {
                    await output.WriteAsync(reply.ToFrame(text.Turn, s), cancellationToken);
                }

                break;
            case ReplyEndFrame end:
                if (reply.Turn == end.Turn)
                {
                    foreach (var s in reply.Flush())
                    {
                        await output.WriteAsync(reply.ToFrame(end.Turn, s), cancellationToken);
                    }
                }

                if (end.Error is not null && !string.IsNullOrWhiteSpace(end.SpokenFailure))
                {
                    var spoken = end.SpokenFailure.Trim();
                    var lead = reply.Turn == end.Turn && reply.HasEmitted ? " " : "";
                    await output.WriteAsync(new SentenceFrame(end.Turn, lead + spoken, SpeechTextCleaner.Clean(spoken)), cancellationToken);
                }

                reply.StartIfNew(TurnId.None);
                await output.WriteAsync(frame, cancellationToken);
                break;
            default:
                await output.WriteAsync(frame, cancellationToken);
                break;
        }
    }

    /// <summary>The text of the reply in progress: raw, filtered, split.</summary>
    private sealed class ReplyText(SentenceSplitterOptions options)
    {
        private readonly System.Text.StringBuilder _raw = new();
        private readonly SpeechTextFilter _filter = new();
        private SentenceSplitter _splitter = new(options);
        private int _emittedUpTo;

        public TurnId Turn { get; private set; } = TurnId.None;

        public bool HasEmitted => _emittedUpTo > 0;

        public void StartIfNew(TurnId turn)
        {
            if (turn == Turn)
            {
                return;
            }

            Turn = turn;
            _raw.Clear();
            _filter.Reset();
            _splitter = new SentenceSplitter(options);
            _emittedUpTo = 0;
        }

        public void Append(string token, List<string> sentences)
        {
            _raw.Append(token);
            _splitter.Append(_filter.Filter(token), sentences);
        }

        public IEnumerable<string> Flush()
        {
            var list = new List<string>();
            var rest = _filter.Flush();
            if (!rest.IsEmpty)
            {
                _splitter.Append(rest, list);
            }

            if (_splitter.Flush() is { } last)
            {
                list.Add(last);
            }

            return list;
        }

        /// <summary>Pairs a sentence with its stretch of the raw reply, so that transcripts keep the spaces between sentences.</summary>
        public SentenceFrame ToFrame(TurnId turn, string sentence)
        {
            var raw = _raw.ToString();
            var at = raw.IndexOf(sentence, _emittedUpTo, StringComparison.Ordinal);
            string text;
            if (at >= 0)
            {
                text = _emittedUpTo == 0 ? raw[..(at + sentence.Length)].TrimStart() : raw[_emittedUpTo..(at + sentence.Length)];
                _emittedUpTo = at + sentence.Length;
            }
            else
            {
                text = (_emittedUpTo > 0 ? " " : "") + sentence;
                _emittedUpTo = Math.Max(_emittedUpTo, 1);
            }

            return new SentenceFrame(turn, text, SpeechTextCleaner.Clean(sentence));
        }
    }
}
