namespace VoiceAgent.Pipeline.Tts;

/// <summary>The voices a text-to-speech engine can speak with; reached through <c>ITextToSpeechClient.GetService</c>.</summary>
public interface IVoiceCatalog
{
    IReadOnlyList<string> Voices { get; }

    bool IsKnownVoice(string voice);
}
