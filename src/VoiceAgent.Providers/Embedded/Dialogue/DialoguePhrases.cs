using System.Text.RegularExpressions;

namespace VoiceAgent.Providers.Embedded.Dialogue;

/// <summary>The English sentences the dialogue engine understands, as a speech recogniser's domain model should expect them.</summary>
/// <remarks>
/// Taken from the skills' own patterns (so a new pattern is heard without anyone editing a list) and the configured
/// FAQ patterns; arithmetic and "repeat after me" take open input, so they get sample sentences in their shapes.
/// </remarks>
public static class DialoguePhrases
{
    // The patterns match normalised typed text ("whats", "thx"); people say, and the recogniser should write, the
    // dictionary forms. The dialogue engine normalises "what's" back to "whats", so either way it answers.
    private static readonly (string Typed, string Spoken)[] SpokenForms =
    [
        ("whats", "what's"), ("hows", "how's"), ("todays", "today's"), ("good bye", "goodbye"), ("thank u", "thank you"),
        ("thx", "thanks"), ("fourty", "forty"),
    ];

    private static readonly string[] Numbers =
    [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "twenty five",
        "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "one hundred", "a hundred", "two hundred",
        "one thousand", "forty two", "ninety nine", "three point five",
    ];

    private static readonly string[] Operators =
    [
        "plus", "minus", "times", "multiplied by", "divided by", "over", "to the power of", "percent of", "take away",
    ];

    private static readonly string[] ArithmeticPrefixes = ["what is", "whats", "", "calculate", "how much is", "what's"];

    private static readonly string[] RepeatPrefixes = ["repeat after me", "say", "please say", "can you say", "could you repeat"];

    private static readonly string[] RepeatSamples = ["hello world", "good morning", "i love you", "this is a test", "thank you very much"];

    /// <summary>Every English sentence (lowercase words) the engine has a rule for, with <paramref name="options"/>' FAQ and assistant name.</summary>
    public static IReadOnlyList<string> English(DialogueOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var patterns = new List<Regex>
        {
            TimeSkill.EnglishTime(), TimeSkill.EnglishDate(),
            SmallTalkSkill.EnglishHowAreYou(), SmallTalkSkill.EnglishGreeting(), SmallTalkSkill.EnglishThanks(),
            SmallTalkSkill.EnglishGoodbye(), SmallTalkSkill.EnglishWhoAreYou(), SmallTalkSkill.EnglishAreYouHuman(),
            HistorySkill.EnglishWhatDidISay(), HistorySkill.EnglishSayAgain(), HelpSkill.EnglishHelp(),
        };

        var phrases = new List<string>();
        foreach (var pattern in patterns)
        {
            phrases.AddRange(RegexPhrases.Expand(pattern.ToString()));
        }

        foreach (var entry in options.Faq)
        {
            foreach (var pattern in entry.Patterns)
            {
                // A FAQ pattern may be a plain phrase, an expression of words, or something with open slots (nothing to add).
                phrases.AddRange(RegexPhrases.Expand(pattern));
            }
        }

        var name = Regex.Replace(string.IsNullOrWhiteSpace(options.AssistantName) ? "VoiceAgent" : options.AssistantName.Trim(), "(?<=[a-z])(?=[A-Z])", " ")
            .ToLowerInvariant();
        phrases.AddRange(["hello " + name, "hi " + name, "hey " + name, "thank you " + name, "goodbye " + name]);

        for (var p = 0; p < ArithmeticPrefixes.Length; p++)
        {
            for (var o = 0; o < Operators.Length; o++)
            {
                for (var a = 0; a < Numbers.Length; a++)
                {
                    // Each number meets a spread of others: the model needs the word pairs, not every sum.
                    var b = Numbers[((a * 7) + (o * 3) + p) % Numbers.Length];
                    phrases.Add($"{ArithmeticPrefixes[p]} {Numbers[a]} {Operators[o]} {b}".Trim());
                }
            }

            foreach (var n in Numbers)
            {
                phrases.Add($"{ArithmeticPrefixes[p]} the square root of {n}".Trim());
                phrases.Add($"{ArithmeticPrefixes[p]} {n} squared".Trim());
            }
        }

        foreach (var prefix in RepeatPrefixes)
        {
            phrases.AddRange(RepeatSamples.Select(s => prefix + " " + s));
        }

        return phrases.Select(Spoken).Distinct(StringComparer.Ordinal).ToList();
    }

    private static string Spoken(string phrase)
    {
        var padded = " " + phrase + " ";
        foreach (var (typed, spoken) in SpokenForms)
        {
            padded = padded.Replace(" " + typed + " ", " " + spoken + " ", StringComparison.Ordinal);
        }

        return padded.Trim();
    }
}
