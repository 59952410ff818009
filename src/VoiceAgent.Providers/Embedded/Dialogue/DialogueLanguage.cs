namespace VoiceAgent.Providers.Embedded.Dialogue;

/// <summary>The languages the dialogue engine answers in: the language of the question.</summary>
internal enum DialogueLanguage
{
    English,
    Chinese,
}
