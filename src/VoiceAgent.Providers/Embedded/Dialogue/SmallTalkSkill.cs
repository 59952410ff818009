using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace VoiceAgent.Providers.Embedded.Dialogue;

/// <summary>Greetings, thanks, goodbyes and "who are you", answered honestly: this is a rule-based program.</summary>
internal sealed partial class SmallTalkSkill : IDialogueSkill
{
    public bool TryAnswer(DialogueContext context, [NotNullWhen(true)] out string? answer)
    {
        var name = context.AssistantName;
        answer = context.IsChinese ? Chinese(context, name) : English(context, name);
        return answer is not null;
    }

    private static string? English(DialogueContext context, string name)
    {
        // The assistant's own name ("hi voice agent") says nothing about the intent; without it the anchored patterns stay simple.
        var text = WithoutName(context.Normalized, name);
        if (EnglishHowAreYou().IsMatch(text))
        {
            return "I'm doing well, thanks for asking. How can I help you?";
        }

        if (EnglishGreeting().IsMatch(text))
        {
            return $"Hello! I'm {name}. How can I help you?";
        }

        if (EnglishThanks().IsMatch(text))
        {
            return "You're welcome!";
        }

        if (EnglishGoodbye().IsMatch(text))
        {
            return "Goodbye! Talk to you soon.";
        }

        if (EnglishWhoAreYou().IsMatch(text))
        {
            return $"I'm {name}, a simple offline voice assistant. I follow rules rather than a large language model, "
                + "so I can tell the time and the date, do arithmetic, repeat what you say, and make a little small talk.";
        }

        return EnglishAreYouHuman().IsMatch(text)
            ? "No, I'm a computer program: a rule-based assistant that runs offline, not a person and not a large language model."
            : null;
    }

    private static string? Chinese(DialogueContext context, string name)
    {
        var text = ChineseParticles().Replace(WithoutName(context.Compact, name), "");
        if (ChineseHowAreYou().IsMatch(text))
        {
            return "我很好，谢谢关心！有什么可以帮你的？";
        }

        if (ChineseGreeting().IsMatch(text))
        {
            return $"你好！我是{name}，有什么可以帮你的？";
        }

        if (ChineseThanks().IsMatch(text))
        {
            return "不客气！";
        }

        if (ChineseGoodbye().IsMatch(text))
        {
            return "再见，下次再聊！";
        }

        if (ChineseWhoAreYou().IsMatch(text))
        {
            return $"我是{name}，一个离线运行的简单语音助手。我按规则回答，不是大语言模型，可以报时间和日期、做算术、重复你说的话，也能简单聊几句。";
        }

        return ChineseAreYouHuman().IsMatch(text)
            ? "不是，我是一个计算机程序：离线运行、按规则回答的助手，不是真人，也不是大语言模型。"
            : null;
    }

    private static string WithoutName(string text, string name)
    {
        var lower = name.ToLowerInvariant();
        // Recognisers split a camel-case name into words: "VoiceAgent" is heard as "voice agent".
        var spaced = CamelBoundary().Replace(name, " ").ToLowerInvariant();
        var result = text.Replace(lower, " ", StringComparison.Ordinal).Replace(spaced, " ", StringComparison.Ordinal);
        return string.Join(' ', result.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [GeneratedRegex(@"(?<=[a-z])(?=[A-Z])")]
    private static partial Regex CamelBoundary();

    [GeneratedRegex(@"^((hi|hello|hey) )?(how are you( doing)?( today)?|hows it going|how is it going|how do you do|whats up|how have you been|how are things)$")]
    internal static partial Regex EnglishHowAreYou();

    [GeneratedRegex(@"^((hi|hello|hey|hiya|howdy|greetings|good (morning|afternoon|evening|day))( there| everyone| all)? ?)+$")]
    internal static partial Regex EnglishGreeting();

    [GeneratedRegex(@"^((ok|okay|great|cool|perfect|nice|oh) )?(thank you|thanks|thank u|thx|many thanks|cheers)( (so much|very much|a lot|again))?$")]
    internal static partial Regex EnglishThanks();

    [GeneratedRegex(@"^((ok|okay|alright|well|thank you|thanks) )*(goodbye|good bye|bye( bye)?|see you( later| soon)?|good night|farewell|talk to you later|have a (good|nice) (day|night|one))$")]
    internal static partial Regex EnglishGoodbye();

    [GeneratedRegex(@"\b(who are you|what are you|whats your name|what is your name|tell me about yourself|introduce yourself)\b")]
    internal static partial Regex EnglishWhoAreYou();

    [GeneratedRegex(@"\bare you (a |an )?(human|person|real|robot|bot|ai|machine|computer|chatgpt|artificial intelligence|language model)\b")]
    internal static partial Regex EnglishAreYouHuman();

    [GeneratedRegex("[啊呀呢吧哦嗯啦嘛喔]")]
    private static partial Regex ChineseParticles();

    [GeneratedRegex("你好吗|您好吗|最近怎么样|最近好吗|你怎么样|过得怎么样|过得好吗")]
    private static partial Regex ChineseHowAreYou();

    [GeneratedRegex("^(你好|您好|嗨|哈喽|哈啰|喂|早上好|早安|上午好|中午好|下午好|晚上好|大家好|你们好|hi|hello)+$")]
    private static partial Regex ChineseGreeting();

    [GeneratedRegex("^(好的|好|ok)?(谢谢你|谢谢您|谢谢|多谢|感谢你|感谢|谢了|非常感谢|太感谢了|麻烦你了)+$")]
    private static partial Regex ChineseThanks();

    [GeneratedRegex("^(好的|好|谢谢)?(再见|拜拜|拜|回头见|明天见|晚安|下次见|下次聊)+$")]
    private static partial Regex ChineseGoodbye();

    [GeneratedRegex("你是谁|你叫什么|你的名字|你是干什么的|你是做什么的|介绍一下你自己|介绍下你自己|自我介绍")]
    private static partial Regex ChineseWhoAreYou();

    [GeneratedRegex("你是(真)?人|你是机器人|你是人工智能|你是ai|你是大模型|你是chatgpt")]
    private static partial Regex ChineseAreYouHuman();
}
