using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace VoiceAgent.Providers.Embedded.Dialogue;

/// <summary>Finds an arithmetic expression in Chinese ("三加四等于多少", "十二乘以七", "二的十次方", "根号十六").</summary>
internal static class ChineseArithmeticParser
{
    // Longest first, so "加上" is not read as "加" followed by a stray "上".
    private static readonly (string Text, ArithmeticOperator Op)[] Operators =
    [
        ("加上", ArithmeticOperator.Add), ("减去", ArithmeticOperator.Subtract), ("乘以", ArithmeticOperator.Multiply),
        ("乘上", ArithmeticOperator.Multiply), ("除以", ArithmeticOperator.Divide),
        ("加", ArithmeticOperator.Add), ("减", ArithmeticOperator.Subtract), ("乘", ArithmeticOperator.Multiply),
        ("+", ArithmeticOperator.Add), ("-", ArithmeticOperator.Subtract), ("*", ArithmeticOperator.Multiply),
        ("×", ArithmeticOperator.Multiply), ("x", ArithmeticOperator.Multiply), ("/", ArithmeticOperator.Divide),
        ("÷", ArithmeticOperator.Divide), ("^", ArithmeticOperator.Power),
    ];

    /// <param name="compact">Normalized text without spaces.</param>
    public static bool TryParse(string compact, [NotNullWhen(true)] out ArithmeticExpression? expression)
    {
        for (var start = 0; start < compact.Length; start++)
        {
            if (TryParseAt(compact, start, out expression) && expression.HasOperation)
            {
                return true;
            }
        }

        expression = null;
        return false;
    }

    private static bool TryParseAt(string text, int start, [NotNullWhen(true)] out ArithmeticExpression? expression)
    {
        expression = null;
        var i = start;
        if (!TryOperand(text, ref i, out var first, out var firstSpoken))
        {
            return false;
        }

        var operands = new List<ArithmeticOperand> { first };
        var ops = new List<ArithmeticOperator>();
        var spoken = new StringBuilder(firstSpoken);
        while (true)
        {
            var j = i;
            if (TryPower(text, ref j, out var exponent, out var exponentText))
            {
                ops.Add(ArithmeticOperator.Power);
                operands.Add(new ArithmeticOperand(exponent, ArithmeticFunction.None));
                spoken.Append('的').Append(exponentText).Append("次方");
                i = j;
                continue;
            }

            if (!TryOperator(text, i, out var op, out j) || !TryOperand(text, ref j, out var operand, out var operandSpoken))
            {
                break;
            }

            ops.Add(op);
            operands.Add(operand);
            if (op == ArithmeticOperator.Power)
            {
                spoken.Append('的').Append(operandSpoken).Append("次方");
            }
            else
            {
                spoken.Append(Word(op)).Append(operandSpoken);
            }

            i = j;
        }

        expression = new ArithmeticExpression(operands, ops, spoken.ToString());
        return true;
    }

    private static bool TryOperand(string text, ref int index, out ArithmeticOperand operand, out string spoken)
    {
        operand = default;
        spoken = "";
        var i = index;
        var function = ArithmeticFunction.None;
        foreach (var prefix in (string[])["根号下", "根号"])
        {
            if (At(text, i, prefix))
            {
                (function, i) = (ArithmeticFunction.SquareRoot, i + prefix.Length);
                break;
            }
        }

        var numberStart = i;
        if (i >= text.Length || (!NumberWords.IsChineseNumeralStart(text[i]) && text[i] != '-') || !NumberWords.TryParseChinese(text, ref i, out var value))
        {
            return false;
        }

        var number = text[numberStart..i];
        if (function == ArithmeticFunction.None)
        {
            foreach (var (suffix, f) in (ReadOnlySpan<(string, ArithmeticFunction)>)[("的平方根", ArithmeticFunction.SquareRoot), ("的平方", ArithmeticFunction.Square), ("平方", ArithmeticFunction.Square), ("的立方", ArithmeticFunction.Cube), ("立方", ArithmeticFunction.Cube)])
            {
                if (At(text, i, suffix))
                {
                    (function, i) = (f, i + suffix.Length);
                    break;
                }
            }
        }

        operand = new ArithmeticOperand(value, function);
        spoken = function switch
        {
            ArithmeticFunction.SquareRoot => number + "的平方根",
            ArithmeticFunction.Square => number + "的平方",
            ArithmeticFunction.Cube => number + "的立方",
            _ => number,
        };
        index = i;
        return true;
    }

    // "二的十次方": 的, a numeral, then 次方 or 次幂.
    private static bool TryPower(string text, ref int index, out decimal exponent, out string exponentText)
    {
        exponent = 0;
        exponentText = "";
        var i = index;
        if (i >= text.Length || text[i] != '的')
        {
            return false;
        }

        var start = ++i;
        if (!NumberWords.TryParseChinese(text, ref i, out exponent)
            || (!At(text, i, "次方") && !At(text, i, "次幂")))
        {
            return false;
        }

        exponentText = text[start..i];
        index = i + 2;
        return true;
    }

    private static bool TryOperator(string text, int index, out ArithmeticOperator op, out int end)
    {
        foreach (var (word, candidate) in Operators)
        {
            if (At(text, index, word))
            {
                (op, end) = (candidate, index + word.Length);
                return true;
            }
        }

        (op, end) = (default, index);
        return false;
    }

    private static bool At(string text, int index, string word) => text.AsSpan(index).StartsWith(word, StringComparison.Ordinal);

    private static string Word(ArithmeticOperator op) => op switch
    {
        ArithmeticOperator.Add => "加",
        ArithmeticOperator.Subtract => "减",
        ArithmeticOperator.Multiply => "乘以",
        _ => "除以",
    };
}
