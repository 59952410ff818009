using VoiceAgent.Pipeline.Tts;

namespace VoiceAgent.Providers.DashScope;

/// <summary>A sentence starting or ending (with its text, and at the end the server's word timings if any), or a frame of PCM.</summary>
internal sealed record CosyVoiceUpdate(CosyVoiceUpdateKind Kind, string Text, byte[] Audio, IReadOnlyList<WordTimingContent> Words);
