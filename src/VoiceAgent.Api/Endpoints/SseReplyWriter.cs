using VoiceAgent.Api.Protocol;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Replies;
using VoiceAgent.Pipeline.Tts;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Api.Endpoints;

/// <summary>A streamed chat completion (§1/§3): text or transcript deltas, paced audio deltas, then the client's tool calls and the finish chunk, or the error, and [DONE].</summary>
internal sealed class SseReplyWriter(ChatChunkWriter chunks, AudioPacer pacer, bool withAudio, TimeSpan? keepAlive, TimeProvider time) : ReplyWriter
{
    // Words a remote engine timed after the sentence began: they go out on the audio chunk they start in.
    private readonly List<WordTiming> _lateWords = [];

    public override ValueTask<bool> TextAsync(TurnId turn, string text, CancellationToken cancellationToken)
    {
        if (!withAudio)
        {
            chunks.Content(text);
        }

        return ValueTask.FromResult(true);
    }

    public override ValueTask<bool> SentenceAsync(SentenceAudioStartedFrame sentence, CancellationToken cancellationToken)
    {
        chunks.Transcript(sentence.Text, sentence.Words);
        return ValueTask.FromResult(true);
    }

    public override ValueTask<bool> SentenceWordsAsync(SentenceWordsFrame words, CancellationToken cancellationToken)
    {
        _lateWords.AddRange(words.Words);
        return ValueTask.FromResult(true);
    }

    public override async ValueTask<bool> AudioAsync(AgentAudioFrame audio, CancellationToken cancellationToken)
    {
        if (pacer.DelayFor(audio.Audio.Duration) is { } wait)
        {
            await chunks.FlushAsync(cancellationToken);
            await Task.Delay(wait, time, cancellationToken);
        }

        chunks.Audio(audio.Audio.Data, _lateWords);
        _lateWords.Clear();
        return true;
    }

    public override ValueTask<bool> ReplyEndedAsync(ReplyEnded end, CancellationToken cancellationToken)
    {
        if (end.Error is { } failure)
        {
            chunks.Error(failure);
        }
        else
        {
            // The client's own tools: their calls go out as tool_calls deltas ahead of the finish chunk (finish_reason tool_calls).
            if (end.ToolCalls is { } calls)
            {
                chunks.ToolCalls(calls);
            }

            chunks.Finish(end.FinishReason, end.Usage);
        }

        chunks.Done();
        return ValueTask.FromResult(true);
    }

    public override TimeSpan? KeepAliveInterval => keepAlive;

    public override ValueTask<bool> KeepAliveAsync(CancellationToken cancellationToken)
    {
        chunks.KeepAlive();
        return ValueTask.FromResult(true);
    }

    public override ValueTask FlushAsync(CancellationToken cancellationToken) => chunks.FlushAsync(cancellationToken);
}
