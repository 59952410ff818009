using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace VoiceAgent.Providers.Embedded.Dialogue;

/// <summary>Works out spoken sums ("what is twelve times seven", "三加四等于多少") and says the result for the ear.</summary>
internal sealed class ArithmeticSkill : IDialogueSkill
{
    public bool TryAnswer(DialogueContext context, [NotNullWhen(true)] out string? answer)
    {
        answer = null;
        var found = context.IsChinese
            ? ChineseArithmeticParser.TryParse(context.Compact, out var expression)
            : EnglishArithmeticParser.TryParse(context.Normalized, out expression);
        if (!found)
        {
            return false;
        }

        var outcome = expression!.Evaluate(out var result);
        answer = (outcome, context.IsChinese) switch
        {
            (ArithmeticOutcome.Ok, false) =>
                $"{DialogueText.Capitalize(expression.Spoken)} is {(IsApproximate(result) ? "about " : "")}{Say(result, "negative ")}.",
            (ArithmeticOutcome.Ok, true) => $"{expression.Spoken}{(IsApproximate(result) ? "约等于" : "等于")}{Say(result, "负")}。",
            (ArithmeticOutcome.DivideByZero, false) => "You can't divide by zero, so that has no answer.",
            (ArithmeticOutcome.DivideByZero, true) => "零不能做除数，所以这道题没有答案。",
            (ArithmeticOutcome.NotReal, false) => "That has no real-number answer: a negative number has no real square root.",
            (ArithmeticOutcome.NotReal, true) => "这道题在实数范围内没有答案：负数没有实数平方根。",
            (_, false) => "That number is too big for me to work out.",
            (_, true) => "这个数太大了，我算不出来。",
        };
        return true;
    }

    /// <summary>
    /// Digits are fine for text-to-speech, but it reads "-4" and long fractions badly, so the sign becomes a word
    /// and results that are not exact to four places are rounded (and the caller says "about").
    /// </summary>
    internal static string Say(decimal value, string negative)
    {
        var rounded = Math.Round(value, IsApproximate(value) && Math.Abs(value) >= 1 ? 2 : 4, MidpointRounding.AwayFromZero);
        var digits = Math.Abs(rounded).ToString("0.####", CultureInfo.InvariantCulture);
        return (rounded < 0 ? negative : "") + digits;
    }

    internal static bool IsApproximate(decimal value) => Math.Round(value, 4, MidpointRounding.AwayFromZero) != value;
}
