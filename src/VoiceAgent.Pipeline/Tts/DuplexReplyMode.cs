namespace VoiceAgent.Pipeline.Tts;

/// <summary>How a reply is being spoken by the <see cref="DuplexTtsStage"/>.</summary>
internal enum DuplexReplyMode
{
    /// <summary>Its text goes to the duplex engine as it streams.</summary>
    Duplex,

    /// <summary>The duplex engine failed before any audio: the reply goes down the sentence path (splitter, TTS stage, fallback engines).</summary>
    Sentences,

    /// <summary>The duplex engine failed after audio was heard: the failure was spoken, the rest is dropped.</summary>
    Failed,
}
