using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace VoiceAgent.Providers.Embedded.Dialogue;

/// <summary>Uses the conversation so far: "what did I just say" quotes the user, "say that again" repeats the last reply.</summary>
internal sealed partial class HistorySkill : IDialogueSkill
{
    public bool TryAnswer(DialogueContext context, [NotNullWhen(true)] out string? answer)
    {
        answer = context.IsChinese ? Chinese(context) : English(context);
        return answer is not null;
    }

    private static string? English(DialogueContext context)
    {
        if (EnglishWhatDidISay().IsMatch(context.Normalized))
        {
            return context.PreviousUserText is { } said
                ? $"You said: \"{said}\"" + (DialogueText.EndsWithPunctuation(said) ? "" : ".")
                : "You haven't said anything before that.";
        }

        return EnglishSayAgain().IsMatch(context.Normalized)
            ? context.LastAssistantText ?? "I haven't said anything yet."
            : null;
    }

    private static string? Chinese(DialogueContext context)
    {
        if (ChineseWhatDidISay().IsMatch(context.Compact))
        {
            return context.PreviousUserText is { } said ? $"你刚才说：“{said}”。" : "你之前还没有说过别的话。";
        }

        return ChineseSayAgain().IsMatch(context.Compact)
            ? context.LastAssistantText ?? "我还没有说过话呢。"
            : null;
    }

    [GeneratedRegex(@"\b(what did i (just )?(say|ask)|what was i (just )?saying|what was my last (question|message|sentence)|what did i tell you)\b")]
    internal static partial Regex EnglishWhatDidISay();

    [GeneratedRegex(@"^(sorry )?((can|could|would) you )?(please )?(repeat that|repeat it|say that again|say it again|repeat yourself|repeat your last answer|repeat what you said|come again|pardon( me)?|what did you (just )?say|one more time|say again|again|repeat)( please)?$")]
    internal static partial Regex EnglishSayAgain();

    [GeneratedRegex("我(刚才|刚刚|之前|上一句)?(说了|说的|问了|问的)(什么|啥)|我(刚才|刚刚)说什么")]
    private static partial Regex ChineseWhatDidISay();

    [GeneratedRegex("^(请|麻烦)?(你)?(再说一遍|再说一次|再讲一遍|重复一遍|重复一下|重复一次|再来一遍|你说什么|你刚才说什么|你刚才说了什么|没听清|刚才说什么)(吧|呢|好吗|可以吗)?$")]
    private static partial Regex ChineseSayAgain();
}
