namespace VoiceAgent.Providers.DashScope;

/// <summary>What a <see cref="CosyVoiceUpdate"/> carries.</summary>
internal enum CosyVoiceUpdateKind
{
    SentenceBegin,
    Audio,
    SentenceEnd,
}
