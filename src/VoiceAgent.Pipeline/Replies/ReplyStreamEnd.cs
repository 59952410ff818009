namespace VoiceAgent.Pipeline.Replies;

/// <summary>Why <see cref="ReplyConsumer.RunCallAsync"/> stopped.</summary>
public enum ReplyStreamEnd
{
    /// <summary>The input ended (the caller hung up, or the service is draining) and every reply was written.</summary>
    InputEnded,

    /// <summary>The writer said the listener is gone.</summary>
    ListenerGone,

    /// <summary>The chain stopped without its input ending: a stage failed outright.</summary>
    PipelineStopped,
}
