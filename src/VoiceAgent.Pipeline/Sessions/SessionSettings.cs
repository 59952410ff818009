namespace VoiceAgent.Pipeline.Sessions;

/// <summary>Per-session choices (the seed's <c>llm_info</c>/<c>tts_info</c>): system prompt, LLM and TTS settings. Nulls mean the service defaults.</summary>
public sealed record SessionSettings(string? SystemPrompt = null, LlmSettings? Llm = null, TtsSettings? Tts = null)
{
    /// <summary>The configured tools this session may use, by name; null for all of them, empty for none.</summary>
    public IReadOnlyList<string>? Tools { get; init; }

    public static SessionSettings Default { get; } = new();
}

/// <summary>LLM settings of a session.</summary>
public sealed record LlmSettings(string? Model = null, float? Temperature = null, float? TopP = null, int? MaxTokens = null);

/// <summary>TTS settings of a session.</summary>
public sealed record TtsSettings(string? Voice = null, string? Language = null, float? Speed = null);
