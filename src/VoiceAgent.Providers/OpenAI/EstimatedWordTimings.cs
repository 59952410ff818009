using VoiceAgent.Pipeline.Tts;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>
/// Word timings ESTIMATED from the text alone, for engines that report none (the OpenAI speech endpoint).
/// </summary>
/// <remarks>
/// The audio is not there yet when the first words must go out, so they cannot be measured from it: each word gets a duration proportional to its letters at a nominal speaking rate (about 14 letters/s for
/// alphabetic text, 4.5 characters/s for Han, kana and Hangul, where every character is its own word), divided by the
/// speed, with short pauses after punctuation. Captions driven by them drift by up to a few hundred milliseconds per
/// sentence; they stay present, in order and non-overlapping, which is what clients rely on, and
/// <see cref="StreamedWordTimings"/> keeps them inside the audio.
/// </remarks>
internal static class EstimatedWordTimings
{
    private const double LettersPerSecond = 14;
    private const double CjkCharsPerSecond = 4.5;
    private static readonly TimeSpan ClausePause = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan SentencePause = TimeSpan.FromMilliseconds(300);

    public static List<WordTimingContent> Estimate(string text, float speed = 1f)
    {
        var scale = 1.0 / Math.Clamp(speed <= 0 ? 1f : speed, 0.25f, 4f);
        var result = new List<WordTimingContent>();
        var at = TimeSpan.Zero;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            if (IsCjk(c))
            {
                if (char.IsLetterOrDigit(c))
                {
                    var d = TimeSpan.FromSeconds(scale / CjkCharsPerSecond);
                    result.Add(new WordTimingContent(c.ToString(), at, d));
                    at += d;
                }
                else
                {
                    at += Pause(c, scale); // CJK punctuation is heard as a pause, not a word
                }

                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && !IsCjk(text[i]))
            {
                i++;
            }

            var word = text[start..i];
            var letters = word.Count(char.IsLetterOrDigit);
            if (letters == 0)
            {
                at += Pause(word[^1], scale);
                continue;
            }

            var duration = TimeSpan.FromSeconds(scale * Math.Max(letters, 2) / LettersPerSecond);
            result.Add(new WordTimingContent(word, at, duration));
            at += duration + Pause(word[^1], scale);
        }

        return result;
    }

    private static TimeSpan Pause(char c, double scale) => c switch
    {
        '.' or '!' or '?' or '。' or '！' or '？' or '…' => SentencePause * scale,
        ',' or ';' or ':' or '，' or '、' or '；' or '：' => ClausePause * scale,
        _ => TimeSpan.Zero,
    };

    private static bool IsCjk(char c) =>
        c is (>= '\u3000' and <= '\u30FF') or (>= '\u3400' and <= '\u4DBF') or (>= '\u4E00' and <= '\u9FFF')
            or (>= '\uAC00' and <= '\uD7AF') or (>= '\uF900' and <= '\uFAFF') or (>= '\uFF00' and <= '\uFFEF');
}
