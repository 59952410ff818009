using System.Text;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Replies;
using VoiceAgent.Pipeline.Tts;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Api.Endpoints;

/// <summary>A non-streamed chat completion: the reply's text, word timings and audio, gathered for one response.</summary>
internal sealed class CompletionReplyCollector(bool withAudio) : ReplyWriter, IDisposable
{
    private readonly StringBuilder _text = new();
    private readonly List<WordTiming> _words = [];
    private readonly MemoryStream _pcm = new();

    public string Text => _text.ToString();

    public IReadOnlyList<WordTiming> Words => _words;

    public ReadOnlyMemory<byte> Audio => _pcm.GetBuffer().AsMemory(0, (int)_pcm.Length);

    public override ValueTask<bool> TextAsync(TurnId turn, string text, CancellationToken cancellationToken)
    {
        if (!withAudio)
        {
            _text.Append(text);
        }

        return ValueTask.FromResult(true);
    }

    public override ValueTask<bool> SentenceAsync(SentenceAudioStartedFrame sentence, CancellationToken cancellationToken)
    {
        _text.Append(sentence.Text);
        _words.AddRange(sentence.Words);
        return ValueTask.FromResult(true);
    }

    public override ValueTask<bool> SentenceWordsAsync(SentenceWordsFrame words, CancellationToken cancellationToken)
    {
        _words.AddRange(words.Words);
        return ValueTask.FromResult(true);
    }

    public override ValueTask<bool> AudioAsync(AgentAudioFrame audio, CancellationToken cancellationToken)
    {
        _pcm.Write(audio.Audio.Data.Span);
        return ValueTask.FromResult(true);
    }

    public void Dispose() => _pcm.Dispose();
}
