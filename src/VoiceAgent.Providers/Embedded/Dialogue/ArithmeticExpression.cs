namespace VoiceAgent.Providers.Embedded.Dialogue;

/// <summary>A binary arithmetic operator.</summary>
internal enum ArithmeticOperator { Add, Subtract, Multiply, Divide, Power, PercentOf }

/// <summary>A function applied to one operand ("five squared", "the square root of sixteen").</summary>
internal enum ArithmeticFunction { None, Square, Cube, SquareRoot }

/// <summary>How an evaluation ended.</summary>
internal enum ArithmeticOutcome { Ok, DivideByZero, Overflow, NotReal }

/// <summary>One number of an expression with the function applied to it.</summary>
internal readonly record struct ArithmeticOperand(decimal Value, ArithmeticFunction Function);

/// <summary>
/// A parsed expression, operands and operators alternating, with the words to say it back in
/// ("twelve times seven"). Evaluated with the usual precedence: power, then times and divide, then plus and minus.
/// </summary>
internal sealed record ArithmeticExpression(
    IReadOnlyList<ArithmeticOperand> Operands, IReadOnlyList<ArithmeticOperator> Operators, string Spoken)
{
    /// <summary>True when there is something to calculate, not just a lone number.</summary>
    public bool HasOperation => Operators.Count > 0 || Operands.Any(o => o.Function != ArithmeticFunction.None);

    public ArithmeticOutcome Evaluate(out decimal result)
    {
        result = 0;
        try
        {
            var values = new List<decimal>(Operands.Count);
            foreach (var operand in Operands)
            {
                if (!TryApply(operand, out var v))
                {
                    return ArithmeticOutcome.NotReal;
                }

                values.Add(v);
            }

            var ops = Operators.ToList();
            // Power binds tightest and to the right: 2^3^2 is 2^9.
            for (var i = ops.Count - 1; i >= 0; i--)
            {
                if (ops[i] == ArithmeticOperator.Power)
                {
                    var outcome = Power(values[i], values[i + 1], out var p);
                    if (outcome != ArithmeticOutcome.Ok)
                    {
                        return outcome;
                    }

                    Collapse(values, ops, i, p);
                }
            }

            for (var i = 0; i < ops.Count;)
            {
                if (ops[i] is ArithmeticOperator.Multiply or ArithmeticOperator.Divide or ArithmeticOperator.PercentOf)
                {
                    if (ops[i] == ArithmeticOperator.Divide && values[i + 1] == 0)
                    {
                        return ArithmeticOutcome.DivideByZero;
                    }

                    Collapse(values, ops, i, ops[i] switch
                    {
                        ArithmeticOperator.Multiply => values[i] * values[i + 1],
                        ArithmeticOperator.PercentOf => values[i] * values[i + 1] / 100,
                        _ => values[i] / values[i + 1],
                    });
                }
                else
                {
                    i++;
                }
            }

            result = values[0];
            for (var i = 0; i < ops.Count; i++)
            {
                result = ops[i] == ArithmeticOperator.Add ? result + values[i + 1] : result - values[i + 1];
            }

            return ArithmeticOutcome.Ok;
        }
        catch (Exception e) when (e is OverflowException or DivideByZeroException)
        {
            // Decimal under/overflow deep inside a power or product: too big (or small) to say.
            return ArithmeticOutcome.Overflow;
        }
    }

    private static void Collapse(List<decimal> values, List<ArithmeticOperator> ops, int i, decimal value)
    {
        values[i] = value;
        values.RemoveAt(i + 1);
        ops.RemoveAt(i);
    }

    private static bool TryApply(ArithmeticOperand operand, out decimal value)
    {
        var v = operand.Value;
        value = operand.Function switch
        {
            ArithmeticFunction.Square => v * v,
            ArithmeticFunction.Cube => v * v * v,
            ArithmeticFunction.SquareRoot when v >= 0 => (decimal)Math.Sqrt((double)v),
            ArithmeticFunction.SquareRoot => 0,
            _ => v,
        };
        return operand.Function != ArithmeticFunction.SquareRoot || v >= 0;
    }

    private static ArithmeticOutcome Power(decimal b, decimal e, out decimal result)
    {
        result = 0;
        // Integer exponents stay in decimal so 10^2 is exactly 100; others go through double.
        if (e == decimal.Truncate(e) && Math.Abs(e) <= 256)
        {
            if (b == 0 && e < 0)
            {
                return ArithmeticOutcome.DivideByZero;
            }

            result = 1;
            for (var i = 0; i < Math.Abs(e); i++)
            {
                result *= b;
            }

            result = e < 0 ? 1 / result : result;
            return ArithmeticOutcome.Ok;
        }

        var d = Math.Pow((double)b, (double)e);
        if (double.IsNaN(d))
        {
            return ArithmeticOutcome.NotReal;
        }

        if (double.IsInfinity(d) || Math.Abs(d) > (double)decimal.MaxValue)
        {
            return ArithmeticOutcome.Overflow;
        }

        result = (decimal)d;
        return ArithmeticOutcome.Ok;
    }
}
