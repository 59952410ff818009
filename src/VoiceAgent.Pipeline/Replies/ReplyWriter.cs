using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Pipeline.Replies;

/// <summary>
/// One transport's way of telling the listener about a reply, called by <see cref="ReplyConsumer"/> in the order the
/// listener must hear it. A writer overrides what its protocol carries; the rest is ignored. Each member returns false
/// when the listener is gone, which ends the consumer's run.
/// </summary>
/// <remarks>New kinds of reply content (tool status and the agent's end of the call, for two) arrive as new virtual members, so existing writers keep working.</remarks>
public abstract class ReplyWriter
{
    /// <summary>What the user said: partial while speaking, final once per turn (voice calls).</summary>
    public virtual ValueTask<bool> TranscriptAsync(TranscriptFrame transcript, CancellationToken cancellationToken) => Continue;

    /// <summary>A piece of the reply's text as the LLM streams it, ahead of its audio (text-only replies, and the text tap).</summary>
    public virtual ValueTask<bool> TextAsync(TurnId turn, string text, CancellationToken cancellationToken) => Continue;

    /// <summary>A sentence is about to be heard: its text and word timings on the reply's audio clock.</summary>
    public virtual ValueTask<bool> SentenceAsync(SentenceAudioStartedFrame sentence, CancellationToken cancellationToken) => Continue;

    /// <summary>More words of the sentence being heard, timed by an engine that knows them only as its audio arrives; they start in the audio that follows.</summary>
    public virtual ValueTask<bool> SentenceWordsAsync(SentenceWordsFrame words, CancellationToken cancellationToken) => Continue;

    /// <summary>A chunk of the agent's speech.</summary>
    public virtual ValueTask<bool> AudioAsync(AgentAudioFrame audio, CancellationToken cancellationToken) => Continue;

    /// <summary>The user barged in: drop what is left of <paramref name="turn"/>'s audio. The turn is saved after this returns.</summary>
    public virtual ValueTask<bool> InterruptedAsync(TurnId turn, CancellationToken cancellationToken) => Continue;

    /// <summary>A stage failed without ending the session; the reply's end will carry it too (<see cref="ReplyEnded.ErrorFromStage"/>).</summary>
    public virtual ValueTask<bool> ErrorAsync(TurnId turn, PipelineError error, CancellationToken cancellationToken) => Continue;

    /// <summary>A finished turn could not be written to the conversation history.</summary>
    public virtual ValueTask<bool> SaveFailedAsync(TurnId turn, CancellationToken cancellationToken) => Continue;

    /// <summary>The reply is complete (and saved, when it has a history); its latencies are in <see cref="ReplyEnded.Timeline"/>.</summary>
    public virtual ValueTask<bool> ReplyEndedAsync(ReplyEnded end, CancellationToken cancellationToken) => Continue;

    /// <summary>A server-side tool call of the reply started, finished or failed (<see cref="ToolFrame.Status"/>).</summary>
    public virtual ValueTask<bool> ToolAsync(ToolFrame tool, CancellationToken cancellationToken) => Continue;

    /// <summary>
    /// The agent ended the call (its <c>end_call</c> tool), after the reply's end and its goodbye. A writer that can end
    /// its transport does so and returns false, which ends the consumer's run; the default carries on.
    /// </summary>
    public virtual ValueTask<bool> EndCallAsync(EndCallFrame endCall, CancellationToken cancellationToken) => Continue;

    /// <summary>How long a reply may send nothing before <see cref="KeepAliveAsync"/> is called; null: never (the default).</summary>
    public virtual TimeSpan? KeepAliveInterval => null;

    /// <summary>Nothing was written for <see cref="KeepAliveInterval"/> (a tool is running): keep the transport open.</summary>
    public virtual ValueTask<bool> KeepAliveAsync(CancellationToken cancellationToken) => Continue;

    /// <summary>Nothing more is ready right now: push what was written to the listener.</summary>
    public virtual ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    private static ValueTask<bool> Continue => ValueTask.FromResult(true);
}
