using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Tts;
using VoiceAgent.Providers.OpenAI;

namespace VoiceAgent.Providers.DashScope;

/// <summary>
/// A reply spoken by one CosyVoice task in duplex mode: each piece of the LLM's text is one <c>continue-task</c>, and the
/// server's <c>sentence-begin</c> events name the sentences the audio belongs to.
/// </summary>
/// <remarks>
/// Words are estimated from each sentence's text and handed out with the audio they start in; the last 60 ms of a
/// sentence's audio wait for the next frame or its <c>sentence-end</c>, so its last words are fitted to its real length.
/// </remarks>
internal sealed class CosyVoiceDuplexSynthesis(CosyVoiceTask task, float speed) : IDuplexSynthesis
{
    private const int TailMs = 60;

    public Task SendAsync(string text, CancellationToken cancellationToken = default) =>
        string.IsNullOrEmpty(text) ? Task.CompletedTask : task.SendTextAsync(text, cancellationToken);

    public Task CompleteAsync(CancellationToken cancellationToken = default) => task.FinishAsync(cancellationToken);

    public async IAsyncEnumerable<DuplexSpeechUpdate> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var format = AudioFormat.Pcm16Mono(task.SampleRate);
        var mediaType = format.ToMediaType();
        var tail = format.BytesFor(TailMs);
        var sentence = new Sentence(new StreamedWordTimings([]));
        await foreach (var update in task.ReadAsync(cancellationToken))
        {
            switch (update.Kind)
            {
                case CosyVoiceUpdateKind.SentenceBegin:
                    foreach (var u in sentence.Flush(format, mediaType))
                    {
                        yield return u;
                    }

                    sentence = new Sentence(new StreamedWordTimings(EstimatedWordTimings.Estimate(update.Text, speed)));
                    yield return new DuplexSpeechUpdate(update.Text, [], null);
                    break;
                case CosyVoiceUpdateKind.Audio:
                    foreach (var u in sentence.Add(update.Audio, tail, format, mediaType))
                    {
                        yield return u;
                    }

                    break;
                case CosyVoiceUpdateKind.SentenceEnd:
                    foreach (var u in sentence.Flush(format, mediaType))
                    {
                        yield return u;
                    }

                    break;
            }
        }

        foreach (var u in sentence.Flush(format, mediaType))
        {
            yield return u;
        }
    }

    public ValueTask DisposeAsync() => task.DisposeAsync();

    /// <summary>The audio of the sentence being spoken: how much went out, and the held-back tail.</summary>
    private sealed class Sentence(StreamedWordTimings words)
    {
        private readonly List<byte> _pending = [];
        private TimeSpan _sent;

        public IEnumerable<DuplexSpeechUpdate> Add(byte[] audio, int tail, AudioFormat format, string mediaType)
        {
            _pending.AddRange(audio);
            var ready = (_pending.Count - tail) & ~1;
            if (ready <= 0)
            {
                return [];
            }

            var chunk = _pending.GetRange(0, ready).ToArray();
            _pending.RemoveRange(0, ready);
            var end = _sent + format.DurationOf(chunk.Length);
            var w = words.Until(end, end + format.DurationOf(_pending.Count));
            _sent = end;
            return Emit(w, chunk, mediaType);
        }

        public IEnumerable<DuplexSpeechUpdate> Flush(AudioFormat format, string mediaType)
        {
            var last = _pending.GetRange(0, _pending.Count & ~1).ToArray();
            _pending.Clear();
            var duration = _sent + format.DurationOf(last.Length);
            var w = words.Until(duration, duration);
            w.AddRange(words.Rest(duration, _sent));
            _sent = duration;
            return Emit(w, last, mediaType);
        }

        private static List<DuplexSpeechUpdate> Emit(List<WordTimingContent> words, byte[] audio, string mediaType)
        {
            var list = new List<DuplexSpeechUpdate>(2);
            if (words.Count > 0)
            {
                list.Add(new DuplexSpeechUpdate(null, words, null));
            }

            if (audio.Length > 0)
            {
                list.Add(new DuplexSpeechUpdate(null, [], new DataContent(audio, mediaType)));
            }

            return list;
        }
    }
}
