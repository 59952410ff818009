using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Pipeline.Sessions;

/// <summary>
/// The transport's bookkeeping of what the listener was actually sent: sentences go into the conversation as they are
/// delivered, audio extends the agent's estimated playback, and a reply's end or interruption closes the turn.
/// </summary>
public sealed class ReplyTracker(Conversation conversation, TurnManager turns)
{
    /// <summary>Call for each frame after delivering it; returns a finished turn to persist (before the client hears it ended).</summary>
    public CompletedTurn? Delivered(Frame frame)
    {
        switch (frame)
        {
            case SentenceAudioStartedFrame s:
                conversation.SentenceSent(s.Turn, s.Text);
                return null;
            case AgentAudioFrame a:
                turns.AudioSent(a.Turn, a.Audio.Duration);
                return null;
            case ReplyEndFrame end:
                turns.ReplyFinished(end.Turn);
                // The tool messages travel on the end so that every transport's history gets them, not only the voice call's.
                conversation.ToolMessages(end.Turn, end.ToolMessages);
                return conversation.EndReply(end.Turn, interrupted: false);
            case InterruptFrame i:
                return conversation.EndReply(i.Turn, interrupted: true);
            default:
                return null;
        }
    }
}
