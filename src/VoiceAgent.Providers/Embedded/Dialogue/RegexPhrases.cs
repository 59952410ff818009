using System.Text;

namespace VoiceAgent.Providers.Embedded.Dialogue;

/// <summary>
/// Lists the sentences a simple word pattern matches: literal words, groups, alternation, <c>?</c>/<c>*</c>/<c>+</c>
/// (taken zero or one time), spaces and anchors. Patterns with an open slot (<c>.</c>, <c>\S</c>, <c>\w</c>, <c>\d</c>)
/// give nothing, since no list of sentences covers them.
/// </summary>
/// <remarks>
/// The dialogue engine's English patterns are written this way (<c>^(hi|hello)( there)?$</c>), so their language is
/// finite and is exactly what the recogniser should expect people to say. The expansion is capped so a pattern
/// with many optional parts cannot explode.
/// </remarks>
internal static class RegexPhrases
{
    public const int MaxPerPattern = 4_000;

    /// <summary>The sentences <paramref name="pattern"/> matches (lowercase, single-spaced), up to <see cref="MaxPerPattern"/>; empty if it has open slots.</summary>
    public static IReadOnlyList<string> Expand(string pattern)
    {
        var parser = new Parser(pattern);
        try
        {
            var result = parser.Alternation();
            return parser.AtEnd
                ? result.Select(Normalize).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList()
                : [];
        }
        catch (FormatException)
        {
            return [];
        }
    }

    private static string Normalize(string s) =>
        string.Join(' ', s.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static List<string> Cross(List<string> left, List<string> right)
    {
        var result = new List<string>(Math.Min(left.Count * right.Count, MaxPerPattern));
        foreach (var a in left)
        {
            foreach (var b in right)
            {
                if (result.Count == MaxPerPattern)
                {
                    return result;
                }

                result.Add(a + b);
            }
        }

        return result;
    }

    private sealed class Parser(string pattern)
    {
        private int _i;

        public bool AtEnd => _i == pattern.Length;

        public List<string> Alternation()
        {
            var result = Sequence();
            while (_i < pattern.Length && pattern[_i] == '|')
            {
                _i++;
                result.AddRange(Sequence());
                if (result.Count > MaxPerPattern)
                {
                    result.RemoveRange(MaxPerPattern, result.Count - MaxPerPattern);
                }
            }

            return result;
        }

        private List<string> Sequence()
        {
            var result = new List<string> { string.Empty };
            while (_i < pattern.Length && pattern[_i] is not '|' and not ')')
            {
                var atom = Atom();
                if (_i < pattern.Length && pattern[_i] is '?' or '*' or '+')
                {
                    var optional = pattern[_i] != '+';
                    _i++;
                    if (_i < pattern.Length && pattern[_i] == '?')
                    {
                        _i++; // lazy: the same sentences
                    }

                    if (optional && !atom.Contains(string.Empty))
                    {
                        atom.Insert(0, string.Empty);
                    }
                }

                result = Cross(result, atom);
            }

            return result;
        }

        private List<string> Atom()
        {
            var c = pattern[_i++];
            switch (c)
            {
                case '(':
                    if (_i < pattern.Length && pattern[_i] == '?')
                    {
                        // (?:...) groups like (...); named groups (?<x>...) hold free text in these patterns.
                        if (pattern.AsSpan(_i).StartsWith("?:"))
                        {
                            _i += 2;
                        }
                        else
                        {
                            throw new FormatException("open slot");
                        }
                    }

                    var inner = Alternation();
                    if (_i >= pattern.Length || pattern[_i++] != ')')
                    {
                        throw new FormatException("unbalanced group");
                    }

                    return inner;
                case '^' or '$':
                    return [string.Empty];
                case '[':
                    return CharacterClass();
                case '\\':
                    return Escape();
                case '.':
                    throw new FormatException("open slot");
                default:
                    return [c.ToString()];
            }
        }

        private List<string> Escape()
        {
            if (_i >= pattern.Length)
            {
                throw new FormatException("dangling escape");
            }

            var e = pattern[_i++];
            return e switch
            {
                'b' or 'B' => [string.Empty],
                's' => [" "],
                'W' => [" "],
                'S' or 'w' or 'd' or 'D' or 'p' or 'P' => throw new FormatException("open slot"),
                _ when char.IsLetterOrDigit(e) => throw new FormatException("unknown escape"),
                _ => [e.ToString()],
            };
        }

        // A class stands for one character of it; for the punctuation-and-space classes these patterns use, a space.
        private List<string> CharacterClass()
        {
            var sb = new StringBuilder();
            while (_i < pattern.Length && pattern[_i] != ']')
            {
                sb.Append(pattern[_i++]);
            }

            if (_i++ >= pattern.Length)
            {
                throw new FormatException("unbalanced class");
            }

            var body = sb.ToString();
            if (body.StartsWith('^'))
            {
                throw new FormatException("open slot");
            }

            return body.Contains("\\s", StringComparison.Ordinal) || body.Contains(' ', StringComparison.Ordinal) || !body.Any(char.IsLetter)
                ? [" "]
                : [body[0].ToString()];
        }
    }
}
