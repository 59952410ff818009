namespace VoiceAgent.Providers.Embedded.Dialogue;

/// <summary>One configured question: any of <see cref="Patterns"/> matching the user's words gives <see cref="Answer"/>.</summary>
public sealed class FaqEntry
{
    /// <summary>
    /// Case-insensitive regular expressions; a plain keyword is a valid one and matches as a substring.
    /// A string that is not a valid regular expression (say "c++") is matched literally.
    /// Patterns are tried on the normalized text (lowercase, no punctuation, as speech recognition gives it) and on the raw text.
    /// </summary>
    public List<string> Patterns { get; set; } = [];

    /// <summary>The reply, spoken as written.</summary>
    public string Answer { get; set; } = "";
}
