using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace VoiceAgent.Providers.Embedded.Dialogue;

/// <summary>Answers "what can you do" / "你能做什么" with the list of skills, so users learn what to ask.</summary>
internal sealed partial class HelpSkill(bool hasFaq) : IDialogueSkill
{
    public bool TryAnswer(DialogueContext context, [NotNullWhen(true)] out string? answer)
    {
        if (context.IsChinese ? ChineseHelp().IsMatch(context.Compact) : EnglishHelp().IsMatch(context.Normalized))
        {
            answer = context.IsChinese
                ? "我是一个离线运行的简单助手。我可以告诉你现在的时间和日期，做加减乘除，比如“十二乘以七”，跟着你重复一句话，"
                    + "告诉你你刚才说了什么，把我的上一句再说一遍，也能简单聊几句。" + (hasFaq ? "另外还能回答一些常见问题。" : "")
                : "I'm a simple offline assistant. I can tell you the time and the date, do arithmetic like twelve times seven, "
                    + "repeat after you, tell you what you just said, say my last answer again, and make a little small talk."
                    + (hasFaq ? " I can also answer some frequently asked questions." : "");
            return true;
        }

        answer = null;
        return false;
    }

    [GeneratedRegex(@"^(help|help me|i need help|please help)$|\b(what can you do|what do you do|what are you able to do|what can i ask|what should i ask|how can you help|what are your (skills|abilities|features)|what (skills|features) do you have)\b")]
    internal static partial Regex EnglishHelp();

    [GeneratedRegex("你能做什么|你会做什么|你会什么|你能干什么|你会干什么|你有什么功能|你有哪些功能|你可以做什么|你能帮我做什么|怎么用|帮助|^帮忙$")]
    private static partial Regex ChineseHelp();
}
