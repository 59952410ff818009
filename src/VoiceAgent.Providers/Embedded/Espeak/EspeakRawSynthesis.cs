namespace VoiceAgent.Providers.Embedded.Espeak;

/// <summary>A WORD event as eSpeak NG reports it: 1-based character position and length, and the sample (at eSpeak's rate) where it starts.</summary>
internal readonly record struct EspeakWordEvent(int TextPosition, int Length, int Sample);

/// <summary>What one synthesis produced: resampled PCM16 mono, and the word events in eSpeak's own sample clock.</summary>
internal sealed record EspeakRawSynthesis(short[] Samples, IReadOnlyList<EspeakWordEvent> Words);
