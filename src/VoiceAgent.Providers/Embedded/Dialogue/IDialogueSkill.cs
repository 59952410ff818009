using System.Diagnostics.CodeAnalysis;

namespace VoiceAgent.Providers.Embedded.Dialogue;

/// <summary>One thing the dialogue engine can do; skills are asked in order and the first answer wins.</summary>
internal interface IDialogueSkill
{
    bool TryAnswer(DialogueContext context, [NotNullWhen(true)] out string? answer);
}
