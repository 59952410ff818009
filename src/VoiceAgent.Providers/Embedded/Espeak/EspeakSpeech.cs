namespace VoiceAgent.Providers.Embedded.Espeak;

/// <summary>One request to eSpeak NG: the text and the settings it is spoken with (a resolved voice file, words per minute, pitch 0–100, volume 0–200).</summary>
internal sealed record EspeakSpeech(string Text, string Voice, int Rate, int Pitch, int Volume);
