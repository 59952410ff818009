using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Replies;
using VoiceAgent.Pipeline.Tts;

namespace VoiceAgent.Api.Endpoints;

/// <summary>Passes a spoken reply on to <paramref name="inner"/> and keeps its sentences and audio; a complete one goes into the synthesis cache.</summary>
internal sealed class CachingReplyWriter(ReplyWriter inner, SynthesisCache cache, SynthesisKey key) : ReplyWriter
{
    private readonly List<CachedSentence> _sentences = [];

    public override ValueTask<bool> TextAsync(Pipeline.Turns.TurnId turn, string text, CancellationToken cancellationToken) => inner.TextAsync(turn, text, cancellationToken);

    public override ValueTask<bool> SentenceAsync(SentenceAudioStartedFrame sentence, CancellationToken cancellationToken)
    {
        _sentences.Add(new CachedSentence(sentence.Text, new List<WordTiming>(sentence.Words), new List<ReadOnlyMemory<byte>>()));
        return inner.SentenceAsync(sentence, cancellationToken);
    }

    public override ValueTask<bool> SentenceWordsAsync(SentenceWordsFrame words, CancellationToken cancellationToken)
    {
        // A replay announces every word with its sentence: all the audio is there at once by then.
        if (_sentences.Count > 0)
        {
            ((List<WordTiming>)_sentences[^1].Words).AddRange(words.Words);
        }

        return inner.SentenceWordsAsync(words, cancellationToken);
    }

    public override ValueTask<bool> AudioAsync(AgentAudioFrame audio, CancellationToken cancellationToken)
    {
        if (_sentences.Count > 0)
        {
            ((List<ReadOnlyMemory<byte>>)_sentences[^1].Chunks).Add(audio.Audio.Data);
        }

        return inner.AudioAsync(audio, cancellationToken);
    }

    public override ValueTask<bool> ErrorAsync(Pipeline.Turns.TurnId turn, Pipeline.Frames.PipelineError error, CancellationToken cancellationToken) => inner.ErrorAsync(turn, error, cancellationToken);

    public override ValueTask<bool> ReplyEndedAsync(ReplyEnded end, CancellationToken cancellationToken)
    {
        if (end.Error is null)
        {
            cache.Add(key, new CachedSynthesis(_sentences));
        }

        return inner.ReplyEndedAsync(end, cancellationToken);
    }

    public override ValueTask FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
}
