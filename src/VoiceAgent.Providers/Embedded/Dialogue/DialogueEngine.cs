using Microsoft.Extensions.AI;

namespace VoiceAgent.Providers.Embedded.Dialogue;

/// <summary>Picks the reply to a conversation: asks each skill in turn, most specific first, and the fallback last.</summary>
internal sealed class DialogueEngine
{
    private readonly IDialogueSkill[] _skills;
    private readonly TimeProvider _timeProvider;
    private readonly TimeZoneInfo _timeZone;
    private readonly string _assistantName;

    public DialogueEngine(DialogueOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _timeProvider = timeProvider;
        _timeZone = string.IsNullOrWhiteSpace(options.TimeZone)
            ? timeProvider.LocalTimeZone
            : TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        _assistantName = string.IsNullOrWhiteSpace(options.AssistantName) ? "VoiceAgent" : options.AssistantName.Trim();
        // Order matters: configured answers override everything; "say that again" must be seen before "say X";
        // a sum or a clock question inside a greeting ("hi what time is it") deserves the real answer.
        _skills =
        [
            new FaqSkill(options.Faq),
            new HistorySkill(),
            new RepeatAfterMeSkill(),
            new ArithmeticSkill(),
            new TimeSkill(),
            new HelpSkill(options.Faq.Count > 0),
            new SmallTalkSkill(),
            new FallbackSkill(),
        ];
    }

    public string Reply(IReadOnlyList<ChatMessage> messages)
    {
        var now = TimeZoneInfo.ConvertTime(_timeProvider.GetUtcNow(), _timeZone);
        var context = DialogueContext.Create(messages, now, _assistantName);
        foreach (var skill in _skills)
        {
            if (skill.TryAnswer(context, out var answer))
            {
                return answer;
            }
        }

        throw new InvalidOperationException("The fallback skill always answers.");
    }
}
