namespace VoiceAgent.Pipeline.Tts;

/// <summary>A spoken word and where it is heard, relative to the start of a reply's (or a sentence's) audio.</summary>
public readonly record struct WordTiming(string Text, TimeSpan Start, TimeSpan Duration)
{
    public TimeSpan End => Start + Duration;

    public WordTiming Shift(TimeSpan offset) => this with { Start = Start + offset };
}
