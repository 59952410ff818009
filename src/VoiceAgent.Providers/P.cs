namespace VoiceAgent.Providers; internal static class Placeholder { }
