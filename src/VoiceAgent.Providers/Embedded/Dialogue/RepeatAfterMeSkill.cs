using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace VoiceAgent.Providers.Embedded.Dialogue;

/// <summary>"repeat after me X" / "say X" / "跟我说X" / "重复X": says X back as it was written.</summary>
internal sealed partial class RepeatAfterMeSkill : IDialogueSkill
{
    public bool TryAnswer(DialogueContext context, [NotNullWhen(true)] out string? answer)
    {
        // Matched on the raw text so the echo keeps the user's own case and punctuation.
        var match = context.IsChinese ? Chinese().Match(context.Text) : English().Match(context.Text);
        answer = match.Success ? match.Groups["x"].Value.Trim() : null;
        return !string.IsNullOrEmpty(answer);
    }

    [GeneratedRegex(@"^\W*(please\s+)?((can|could|would|will)\s+you\s+)?(please\s+)?(repeat\s+after\s+me|say|repeat)\b[\s,:;.!-]*(?<x>\S.*?)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex English();

    [GeneratedRegex(@"^\W*(请)?(你)?(跟我说|跟着我说|跟我念|跟着我念|跟我读|跟着我读|重复一下|重复)[\s,，:：]*(?<x>\S.*?)\s*$", RegexOptions.Singleline)]
    private static partial Regex Chinese();
}
