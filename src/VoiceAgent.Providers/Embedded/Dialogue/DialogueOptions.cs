namespace VoiceAgent.Providers.Embedded.Dialogue;

/// <summary>Settings of the embedded rule-based dialogue engine, bound from <c>VoiceAgent:Llm:Embedded</c>.</summary>
public sealed class DialogueOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "VoiceAgent:Llm:Embedded";

    /// <summary>The name the assistant introduces itself with.</summary>
    public string AssistantName { get; set; } = "VoiceAgent";

    /// <summary>IANA or Windows time zone id for telling the time ("Asia/Shanghai", "UTC"); empty means the machine's zone.</summary>
    public string? TimeZone { get; set; }

    /// <summary>Operator-defined questions and answers, tried in order before any built-in skill; the first match wins.</summary>
    public List<FaqEntry> Faq { get; set; } = [];
}
