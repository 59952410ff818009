namespace VoiceAgent.Pipeline.Turns.Detection;

/// <summary>Chinese rules of <see cref="UtteranceText"/>, on text without spaces or final punctuation.</summary>
internal static class ChineseUtterance
{
    // Endings that leave the sentence open: conjunctions, coverbs waiting for their object, "my number is", hesitations.
    private static readonly string[] OpenEndings =
    [
        "和", "跟", "与", "或者", "还有", "但是", "可是", "不过", "因为", "所以", "然后", "而且", "如果", "就是", "那个", "这个",
        "嗯", "呃", "额", "把", "从", "对于", "关于", "为了", "比如", "一个", "我想", "我要", "我想要", "请问", "的话", "加", "减", "乘", "乘以", "除以",
    ];

    private static readonly string[] QuestionEndings = ["吗", "呢", "吧", "么"];

    private static readonly string[] QuestionWords = ["什么", "怎么", "为什么", "哪", "谁", "几点", "多少", "多久", "几个", "几号", "是不是", "有没有", "能不能", "可不可以"];

    private static readonly string[] CommandStarts = ["请", "帮我", "给我", "告诉我", "播放", "打开", "关闭", "停止", "取消", "讲", "说一下", "查一下", "算一下"];

    private static readonly string[] RequestFrames = ["我想", "我要", "我需要", "我们想", "我们要", "我的名字是", "我叫", "我的电话", "我的地址"];

    private static readonly string[] Closings = ["谢谢", "谢谢你", "好的谢谢", "再见", "拜拜", "没有了", "就这样"];

    private static readonly string[] NumberCues = ["号码", "电话", "手机", "验证码", "卡号", "账号", "编号", "密码", "尾号", "房间"];

    private static readonly string[] Operators = ["加", "减", "乘", "乘以", "除以", "等于"];

    // Longest first, so "对对对" goes before "对".
    private static readonly string[] Backchannels =
        [.. new[] { "嗯哼", "嗯嗯", "嗯", "对对对", "对对", "对的", "对", "好的", "好", "是的", "是", "哦", "噢", "喔", "啊", "呃", "额", "行", "没错", "明白", "知道了", "了解", "可以", "哈哈", "哈" }
            .OrderByDescending(s => s.Length)];

    public static UtteranceEnding Classify(string text)
    {
        if (OpenEndings.Any(text.EndsWith) || (text.EndsWith('是') && !text.EndsWith("不是", StringComparison.Ordinal)) || TrailingNumberStillOpen(text))
        {
            return UtteranceEnding.Open;
        }

        if (QuestionEndings.Any(text.EndsWith) || QuestionWords.Any(text.Contains) || CommandStarts.Any(text.StartsWith) || Closings.Contains(text))
        {
            return UtteranceEnding.Complete;
        }

        return RequestFrames.Any(text.StartsWith) ? UtteranceEnding.Request : UtteranceEnding.Neutral;
    }

    /// <summary>Words left once backchannels are taken out; two characters make about one Chinese word.</summary>
    public static int RealWords(string text)
    {
        foreach (var b in Backchannels)
        {
            text = text.Replace(b, "", StringComparison.Ordinal);
        }

        var chars = text.Count(char.IsLetterOrDigit);
        return (chars + 1) / 2;
    }

    public static bool IsNumeral(char c) => c is >= '0' and <= '9' || "零〇一二三四五六七八九十百千万两幺".Contains(c);

    // A number at the end is still being read out, unless it is an operand right after an operator ("三加五").
    private static bool TrailingNumberStillOpen(string text)
    {
        var i = text.Length - 1;
        if (!IsNumeral(text[i]))
        {
            return false;
        }

        while (i >= 0 && IsNumeral(text[i]))
        {
            i--;
        }

        var before = text[..(i + 1)];
        return NumberCues.Any(before.Contains) || !Operators.Any(before.EndsWith);
    }
}
