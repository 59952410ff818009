using System.Diagnostics.CodeAnalysis;

namespace VoiceAgent.Providers.Embedded.Dialogue;

/// <summary>The last skill: says plainly that this offline assistant cannot answer, and what it can do instead.</summary>
internal sealed class FallbackSkill : IDialogueSkill
{
    public bool TryAnswer(DialogueContext context, [NotNullWhen(true)] out string? answer)
    {
        answer = (context.Text.Length == 0, context.IsChinese) switch
        {
            (true, _) => "I didn't catch that. Could you say it again?",
            (false, true) => "我是一个简单的离线助手，暂时还回答不了这个问题。我可以报时间和日期、做算术、重复你说的话，也能简单聊几句。",
            (false, false) => "I'm a simple offline assistant, so I can't answer that yet. "
                + "I can tell the time and the date, do arithmetic, repeat what you say, and make a little small talk.",
        };
        return true;
    }
}
