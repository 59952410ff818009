using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace VoiceAgent.Providers.Embedded.Dialogue;

/// <summary>Answers operator-configured questions (<see cref="DialogueOptions.Faq"/>); the first matching entry wins.</summary>
internal sealed class FaqSkill : IDialogueSkill
{
    // Patterns come from configuration: a runaway expression must not stall a turn.
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(50);

    private readonly (Regex[] Patterns, string Answer)[] _entries;

    public FaqSkill(IEnumerable<FaqEntry> faq)
    {
        _entries = faq.Select((entry, index) => (Compile(entry, index), Validate(entry, index))).ToArray();
    }

    public bool TryAnswer(DialogueContext context, [NotNullWhen(true)] out string? answer)
    {
        foreach (var (patterns, text) in _entries)
        {
            foreach (var pattern in patterns)
            {
                if (IsMatch(pattern, context.Normalized) || IsMatch(pattern, context.Text) || (context.IsChinese && IsMatch(pattern, context.Compact)))
                {
                    answer = text;
                    return true;
                }
            }
        }

        answer = null;
        return false;
    }

    private static bool IsMatch(Regex pattern, string text)
    {
        try
        {
            return pattern.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static Regex[] Compile(FaqEntry entry, int index)
    {
        if (entry.Patterns.Count == 0 || entry.Patterns.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException($"{DialogueOptions.SectionName}:Faq:{index} needs at least one non-empty pattern.");
        }

        const RegexOptions options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;
        return entry.Patterns.Select(p =>
        {
            try
            {
                return new Regex(p, options, MatchTimeout);
            }
            catch (ArgumentException)
            {
                // Not a valid expression ("c++"): the operator meant the keyword itself.
                return new Regex(Regex.Escape(p), options, MatchTimeout);
            }
        }).ToArray();
    }

    private static string Validate(FaqEntry entry, int index) =>
        string.IsNullOrWhiteSpace(entry.Answer)
            ? throw new ArgumentException($"{DialogueOptions.SectionName}:Faq:{index} has no Answer.")
            : entry.Answer.Trim();
}
