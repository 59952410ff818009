using Microsoft.Extensions.AI;

namespace VoiceAgent.Providers.Embedded.Dialogue;

/// <summary>What a skill sees of one turn: the question (raw and normalized), its language, the history and the clock.</summary>
internal sealed class DialogueContext
{
    private DialogueContext(
        IReadOnlyList<ChatMessage> messages, string text, string? previousUserText, string? lastAssistantText,
        DateTimeOffset now, string assistantName)
    {
        Messages = messages;
        Text = text;
        Normalized = DialogueText.Normalize(text);
        Compact = DialogueText.Compact(Normalized);
        Language = DialogueText.DetectLanguage(text);
        PreviousUserText = previousUserText;
        LastAssistantText = lastAssistantText;
        Now = now;
        AssistantName = assistantName;
    }

    /// <summary>Every message of the request, system messages included, for skills that want them.</summary>
    public IReadOnlyList<ChatMessage> Messages { get; }

    /// <summary>The last user message, trimmed: the question to answer.</summary>
    public string Text { get; }

    public string Normalized { get; }

    /// <summary><see cref="Normalized"/> without spaces, for matching Chinese.</summary>
    public string Compact { get; }

    public DialogueLanguage Language { get; }

    public bool IsChinese => Language == DialogueLanguage.Chinese;

    /// <summary>The user message before the question, if any.</summary>
    public string? PreviousUserText { get; }

    /// <summary>The assistant's last reply before the question, if any.</summary>
    public string? LastAssistantText { get; }

    /// <summary>Now, in the configured time zone.</summary>
    public DateTimeOffset Now { get; }

    public string AssistantName { get; }

    public static DialogueContext Create(IReadOnlyList<ChatMessage> messages, DateTimeOffset now, string assistantName)
    {
        var last = -1;
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i].Role == ChatRole.User)
            {
                last = i;
                break;
            }
        }

        var text = last >= 0 ? messages[last].Text.Trim() : "";
        string? previousUser = null;
        string? lastAssistant = null;
        for (var i = (last >= 0 ? last : messages.Count) - 1; i >= 0 && (previousUser is null || lastAssistant is null); i--)
        {
            var m = messages[i];
            var t = m.Text.Trim();
            if (t.Length == 0)
            {
                continue;
            }

            if (m.Role == ChatRole.User)
            {
                previousUser ??= t;
            }
            else if (m.Role == ChatRole.Assistant)
            {
                lastAssistant ??= t;
            }
        }

        return new DialogueContext(messages, text, previousUser, lastAssistant, now, assistantName);
    }
}
