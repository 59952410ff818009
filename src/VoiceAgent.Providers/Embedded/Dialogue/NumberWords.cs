using System.Collections.Frozen;
using System.Globalization;

namespace VoiceAgent.Providers.Embedded.Dialogue;

/// <summary>Reads numbers as people say them: English number words, Chinese numerals, and digits, into decimals.</summary>
internal static class NumberWords
{
    private static readonly FrozenDictionary<string, int> Units = new Dictionary<string, int>
    {
        ["zero"] = 0, ["oh"] = 0, ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5,
        ["six"] = 6, ["seven"] = 7, ["eight"] = 8, ["nine"] = 9,
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, int> Teens = new Dictionary<string, int>
    {
        ["ten"] = 10, ["eleven"] = 11, ["twelve"] = 12, ["thirteen"] = 13, ["fourteen"] = 14, ["fifteen"] = 15,
        ["sixteen"] = 16, ["seventeen"] = 17, ["eighteen"] = 18, ["nineteen"] = 19,
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, int> Tens = new Dictionary<string, int>
    {
        ["twenty"] = 20, ["thirty"] = 30, ["forty"] = 40, ["fourty"] = 40, ["fifty"] = 50, ["sixty"] = 60,
        ["seventy"] = 70, ["eighty"] = 80, ["ninety"] = 90,
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, decimal> Scales = new Dictionary<string, decimal>
    {
        ["thousand"] = 1_000m, ["million"] = 1_000_000m, ["billion"] = 1_000_000_000m, ["trillion"] = 1_000_000_000_000m,
    }.ToFrozenDictionary();

    // What came last, so "twenty five" reads as 25 but "five twenty" stops after "five" instead of adding up to nonsense.
    private enum Last { None, Unit, Teen, Ten, Hundred, Scale, Digits }

    /// <summary>Parses a whole English phrase ("one hundred and twenty three", "forty-two", "3.5").</summary>
    public static bool TryParseEnglish(string text, out decimal value)
    {
        var tokens = DialogueText.Normalize(text).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var index = 0;
        return TryParseEnglish(tokens, ref index, out value) && index == tokens.Length;
    }

    /// <summary>Parses the longest number starting at <paramref name="index"/> and moves it past the number.</summary>
    public static bool TryParseEnglish(IReadOnlyList<string> tokens, ref int index, out decimal value)
    {
        value = 0;
        var i = index;
        var negative = false;
        if (i < tokens.Count - 1 && tokens[i] is "minus" or "negative")
        {
            negative = true;
            i++;
        }

        decimal total = 0, current = 0;
        var last = Last.None;
        for (; i < tokens.Count; i++)
        {
            var t = tokens[i];
            var next = i + 1 < tokens.Count ? tokens[i + 1] : "";
            if (Units.TryGetValue(t, out var unit) && last is Last.None or Last.Ten or Last.Hundred or Last.Scale)
            {
                current += unit;
                last = Last.Unit;
            }
            else if (Teens.TryGetValue(t, out var teen) && last is Last.None or Last.Hundred or Last.Scale)
            {
                current += teen;
                last = Last.Teen;
            }
            else if (Tens.TryGetValue(t, out var ten) && last is Last.None or Last.Hundred or Last.Scale)
            {
                current += ten;
                last = Last.Ten;
            }
            else if (t == "hundred" && last is Last.Unit or Last.Teen or Last.Ten or Last.Digits && current is > 0 and < 100)
            {
                // "twelve hundred" is 1200, "one hundred" 100.
                current *= 100;
                last = Last.Hundred;
            }
            else if (Scales.TryGetValue(t, out var scale) && last is Last.Unit or Last.Teen or Last.Ten or Last.Hundred or Last.Digits && current > 0)
            {
                total += current * scale;
                current = 0;
                last = Last.Scale;
            }
            else if (t == "a" && last == Last.None && (next == "hundred" || Scales.ContainsKey(next)))
            {
                current = 1;
                last = Last.Unit;
            }
            else if (t == "and" && last is Last.Hundred or Last.Scale && (Units.ContainsKey(next) || Teens.ContainsKey(next) || Tens.ContainsKey(next)))
            {
                // "one hundred and twenty three": the "and" belongs to the number.
            }
            else if (last == Last.None && TryParseDigits(t, out var digits))
            {
                current = digits;
                last = Last.Digits;
            }
            else
            {
                break;
            }
        }

        if (last == Last.None)
        {
            return false;
        }

        if (i < tokens.Count && tokens[i] == "point" && TryParseEnglishFraction(tokens, i + 1, out var fraction, out var end))
        {
            current += fraction;
            i = end;
        }

        value = negative ? -(total + current) : total + current;
        index = i;
        return true;
    }

    /// <summary>Parses a whole Chinese numeral ("一百二十三", "三点五", "负五", "12").</summary>
    public static bool TryParseChinese(string text, out decimal value)
    {
        var index = 0;
        return TryParseChinese(text, ref index, out value) && index == text.Length;
    }

    /// <summary>Parses the longest Chinese numeral (or digits, or digits with Chinese units like "3万") at <paramref name="index"/>.</summary>
    public static bool TryParseChinese(string text, ref int index, out decimal value)
    {
        value = 0;
        var i = index;
        var negative = false;
        if (i < text.Length - 1 && text[i] is '负' or '-')
        {
            negative = true;
            i++;
        }

        decimal total = 0, section = 0, number = 0, lastUnit = 0;
        bool any = false, pending = false, zeroSeen = false;
        if (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || (text[i] == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))))
            {
                i++;
            }

            number = decimal.Parse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            any = pending = true;
        }

        for (; i < text.Length; i++)
        {
            var c = text[i];
            var digit = ChineseDigit(c);
            if (digit == 0 && !pending)
            {
                zeroSeen = any = true;
                number = 0;
            }
            else if (digit > 0 && !pending)
            {
                number = digit;
                any = pending = true;
            }
            else if (c == '十')
            {
                // A bare 十 ("十二") means one ten.
                section += (pending ? number : 1) * 10;
                (number, pending, zeroSeen, lastUnit, any) = (0, false, false, 10, true);
            }
            else if (c is '百' or '千' && pending)
            {
                section += number * (c == '百' ? 100 : 1000);
                (number, pending, zeroSeen, lastUnit) = (0, false, false, c == '百' ? 100 : 1000);
            }
            else if (c == '万' && (pending || section > 0))
            {
                total += (section + number) * 10_000;
                (section, number, pending, zeroSeen, lastUnit) = (0, 0, false, false, 10_000);
            }
            else if (c == '亿' && (pending || section > 0 || total > 0))
            {
                total = (total + section + number) * 100_000_000;
                (section, number, pending, zeroSeen, lastUnit) = (0, 0, false, false, 100_000_000);
            }
            else
            {
                break;
            }
        }

        if (!any)
        {
            return false;
        }

        // Colloquial abbreviation: "一百五" is 150 and "两万五" 25000, unless a 零 said otherwise ("一百零五").
        if (pending && !zeroSeen && lastUnit >= 100 && number is > 0 and < 10)
        {
            number *= lastUnit / 10;
        }

        var result = total + section + number;
        if (i < text.Length - 1 && text[i] == '点' && TryParseChineseFraction(text, i + 1, out var fraction, out var end))
        {
            result += fraction;
            i = end;
        }

        value = negative ? -result : result;
        index = i;
        return true;
    }

    public static bool IsChineseNumeralStart(char c) =>
        ChineseDigit(c) >= 0 || c is '十' or '负' || char.IsAsciiDigit(c);

    private static int ChineseDigit(char c) => c switch
    {
        '零' or '〇' => 0,
        '一' or '幺' => 1,
        '二' or '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => -1,
    };

    private static bool TryParseDigits(string token, out decimal value) =>
        decimal.TryParse(token, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value)
        && token.Length > 0 && (char.IsAsciiDigit(token[^1]));

    // Digits after "point" are read one by one: "three point one four" is 3.14.
    private static bool TryParseEnglishFraction(IReadOnlyList<string> tokens, int start, out decimal fraction, out int end)
    {
        var digits = new System.Text.StringBuilder();
        end = start;
        while (end < tokens.Count)
        {
            if (Units.TryGetValue(tokens[end], out var d))
            {
                digits.Append((char)('0' + d));
            }
            else if (tokens[end].All(char.IsAsciiDigit))
            {
                digits.Append(tokens[end]);
            }
            else
            {
                break;
            }

            end++;
        }

        fraction = digits.Length > 0 ? decimal.Parse("0." + digits, CultureInfo.InvariantCulture) : 0;
        return digits.Length > 0;
    }

    private static bool TryParseChineseFraction(string text, int start, out decimal fraction, out int end)
    {
        var digits = new System.Text.StringBuilder();
        end = start;
        for (; end < text.Length; end++)
        {
            var d = char.IsAsciiDigit(text[end]) ? text[end] - '0' : ChineseDigit(text[end]);
            if (d < 0)
            {
                break;
            }

            digits.Append((char)('0' + d));
        }

        fraction = digits.Length > 0 ? decimal.Parse("0." + digits, CultureInfo.InvariantCulture) : 0;
        return digits.Length > 0;
    }
}
