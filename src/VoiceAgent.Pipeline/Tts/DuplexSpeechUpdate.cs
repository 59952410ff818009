using Microsoft.Extensions.AI;

namespace VoiceAgent.Pipeline.Tts;

/// <summary>
/// From a duplex synthesis: a sentence begins (<paramref name="SentenceText"/>, as the engine cut it), words of the current
/// sentence timed from its first audio (each given before the audio it starts in), or PCM audio (<c>audio/pcm;rate=…</c>).
/// </summary>
public sealed record DuplexSpeechUpdate(string? SentenceText, IReadOnlyList<WordTimingContent> Words, DataContent? Audio);
