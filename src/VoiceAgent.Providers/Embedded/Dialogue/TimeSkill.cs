using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace VoiceAgent.Providers.Embedded.Dialogue;

/// <summary>Tells the time and the date in the configured time zone ("what time is it", "今天星期几").</summary>
internal sealed partial class TimeSkill : IDialogueSkill
{
    private static readonly string[] ChineseWeekdays = ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"];

    public bool TryAnswer(DialogueContext context, [NotNullWhen(true)] out string? answer)
    {
        var now = context.Now;
        bool time, date;
        if (context.IsChinese)
        {
            time = ChineseTime().IsMatch(context.Compact);
            date = ChineseDate().IsMatch(context.Compact);
        }
        else
        {
            time = EnglishTime().IsMatch(context.Normalized);
            date = EnglishDate().IsMatch(context.Normalized);
        }

        answer = (time, date, context.IsChinese) switch
        {
            (true, true, false) => $"It's {EnglishTimeOfDay(now)} on {EnglishDay(now)}.",
            (true, false, false) => $"It's {EnglishTimeOfDay(now)}.",
            (false, true, false) => $"Today is {EnglishDay(now)}.",
            (true, true, true) => $"现在是{ChineseDay(now)}，{ChineseTimeOfDay(now)}。",
            (true, false, true) => $"现在是{ChineseTimeOfDay(now)}。",
            (false, true, true) => $"今天是{ChineseDay(now)}。",
            _ => null,
        };
        return answer is not null;
    }

    private static string EnglishTimeOfDay(DateTimeOffset now) => now.ToString("h:mm tt", CultureInfo.InvariantCulture);

    private static string EnglishDay(DateTimeOffset now) => now.ToString("dddd, MMMM d, yyyy", CultureInfo.InvariantCulture);

    private static string ChineseDay(DateTimeOffset now) =>
        $"{now.Year}年{now.Month}月{now.Day}日，{ChineseWeekdays[(int)now.DayOfWeek]}";

    // Twelve-hour clock with the part of the day, as people say it: 下午3点07分, 晚上8点整.
    private static string ChineseTimeOfDay(DateTimeOffset now)
    {
        var h = now.Hour;
        var period = h switch { < 6 => "凌晨", < 12 => "上午", 12 => "中午", < 18 => "下午", _ => "晚上" };
        var hour = h > 12 ? h - 12 : h;
        var minutes = now.Minute == 0 ? "整" : now.Minute.ToString("00", CultureInfo.InvariantCulture) + "分";
        return $"{period}{hour}点{minutes}";
    }

    [GeneratedRegex(@"\b(what time is it|whats the time|what is the time|what time it is|time is it|current time|time right now|tell me the time|know the time|have the time|the time now|time please)\b|^(what )?time$")]
    internal static partial Regex EnglishTime();

    [GeneratedRegex(@"\b(what day is (it|today)|which day is (it|today)|whats the date|what is the date|what date is it|the date today|todays date|date today|current date|tell me the date|whats today|what is today|what day of the week|what month is it|what year is it)\b|^(the )?date$")]
    internal static partial Regex EnglishDate();

    [GeneratedRegex("几点|现在时间|现在的时间|什么时间|几时了|时间是多少|报时")]
    private static partial Regex ChineseTime();

    [GeneratedRegex("几号|几月几日|星期几|礼拜几|周几|什么日子|日期|哪一天|今天是哪天|哪一年|几几年|今天是什么")]
    private static partial Regex ChineseDate();
}
