using Microsoft.Extensions.AI;

namespace VoiceAgent.Pipeline.Tts;

/// <summary>
/// When a word is heard in a synthesis, relative to the start of that synthesis' audio (and, from a speech-to-text
/// client, when a recognised word was heard in the audio it was given).
/// Text-to-speech clients in this project put every word timing of a synthesis before its first audio content,
/// so a transport can announce a sentence's words together with its first audio chunk.
/// </summary>
public sealed class WordTimingContent(string text, TimeSpan start, TimeSpan duration) : AIContent
{
    public string Text { get; } = text;

    public TimeSpan Start { get; } = start;

    public TimeSpan Duration { get; } = duration;

    public TimeSpan End => Start + Duration;
}
