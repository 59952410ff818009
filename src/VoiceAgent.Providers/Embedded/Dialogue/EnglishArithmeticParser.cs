using System.Diagnostics.CodeAnalysis;

namespace VoiceAgent.Providers.Embedded.Dialogue;

/// <summary>Finds an arithmetic expression in normalized English ("whats twelve times seven", "3.5 + 4").</summary>
internal static class EnglishArithmeticParser
{
    // Longest phrases first, so "divided by" wins over a lone word.
    private static readonly (string[] Words, ArithmeticOperator Op)[] Operators =
    [
        (["to", "the", "power", "of"], ArithmeticOperator.Power),
        (["multiplied", "by"], ArithmeticOperator.Multiply),
        (["percent", "of"], ArithmeticOperator.PercentOf),
        (["%", "of"], ArithmeticOperator.PercentOf),
        (["divided", "by"], ArithmeticOperator.Divide),
        (["take", "away"], ArithmeticOperator.Subtract),
        (["plus"], ArithmeticOperator.Add),
        (["+"], ArithmeticOperator.Add),
        (["minus"], ArithmeticOperator.Subtract),
        (["-"], ArithmeticOperator.Subtract),
        (["times"], ArithmeticOperator.Multiply),
        (["x"], ArithmeticOperator.Multiply),
        (["*"], ArithmeticOperator.Multiply),
        (["×"], ArithmeticOperator.Multiply),
        (["over"], ArithmeticOperator.Divide),
        (["/"], ArithmeticOperator.Divide),
        (["÷"], ArithmeticOperator.Divide),
        (["^"], ArithmeticOperator.Power),
    ];

    public static bool TryParse(string normalized, [NotNullWhen(true)] out ArithmeticExpression? expression)
    {
        var tokens = normalized.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // The expression may sit anywhere in the sentence ("hey what is two plus two please"): try each start.
        for (var start = 0; start < tokens.Length; start++)
        {
            if (TryParseAt(tokens, start, out expression) && expression.HasOperation)
            {
                return true;
            }
        }

        expression = null;
        return false;
    }

    private static bool TryParseAt(string[] tokens, int start, [NotNullWhen(true)] out ArithmeticExpression? expression)
    {
        expression = null;
        var i = start;
        if (!TryOperand(tokens, ref i, out var first, out var firstSpoken))
        {
            return false;
        }

        var operands = new List<ArithmeticOperand> { first };
        var ops = new List<ArithmeticOperator>();
        var spoken = new List<string> { firstSpoken };
        while (TryOperator(tokens, i, out var op, out var afterOp))
        {
            var j = afterOp;
            if (!TryOperand(tokens, ref j, out var operand, out var operandSpoken))
            {
                break;
            }

            ops.Add(op);
            operands.Add(operand);
            spoken.Add(Word(op));
            spoken.Add(operandSpoken);
            i = j;
        }

        expression = new ArithmeticExpression(operands, ops, string.Join(' ', spoken));
        return true;
    }

    private static bool TryOperand(string[] tokens, ref int index, out ArithmeticOperand operand, out string spoken)
    {
        operand = default;
        spoken = "";
        var i = index;
        var function = ArithmeticFunction.None;
        if (Matches(tokens, i, "the", "square", "root", "of"))
        {
            (function, i) = (ArithmeticFunction.SquareRoot, i + 4);
        }
        else if (Matches(tokens, i, "square", "root", "of"))
        {
            (function, i) = (ArithmeticFunction.SquareRoot, i + 3);
        }

        var numberStart = i;
        if (!NumberWords.TryParseEnglish(tokens, ref i, out var value))
        {
            return false;
        }

        var words = string.Join(' ', tokens[numberStart..i]);
        if (function == ArithmeticFunction.None && i < tokens.Length && tokens[i] is "squared" or "cubed")
        {
            function = tokens[i] == "squared" ? ArithmeticFunction.Square : ArithmeticFunction.Cube;
            words += " " + tokens[i];
            i++;
        }

        operand = new ArithmeticOperand(value, function);
        spoken = function == ArithmeticFunction.SquareRoot ? "the square root of " + words : words;
        index = i;
        return true;
    }

    private static bool TryOperator(string[] tokens, int index, out ArithmeticOperator op, out int end)
    {
        foreach (var (words, candidate) in Operators)
        {
            if (Matches(tokens, index, words))
            {
                (op, end) = (candidate, index + words.Length);
                return true;
            }
        }

        (op, end) = (default, index);
        return false;
    }

    private static bool Matches(string[] tokens, int index, params string[] words)
    {
        if (index + words.Length > tokens.Length)
        {
            return false;
        }

        for (var k = 0; k < words.Length; k++)
        {
            if (tokens[index + k] != words[k])
            {
                return false;
            }
        }

        return true;
    }

    private static string Word(ArithmeticOperator op) => op switch
    {
        ArithmeticOperator.Add => "plus",
        ArithmeticOperator.Subtract => "minus",
        ArithmeticOperator.Multiply => "times",
        ArithmeticOperator.Divide => "divided by",
        ArithmeticOperator.PercentOf => "percent of",
        _ => "to the power of",
    };
}
