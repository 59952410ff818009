namespace VoiceAgent.Pipeline.Llm;

/// <summary>Names of the built-in tools the pipeline itself reacts to.</summary>
public static class ToolNames
{
    /// <summary>The agent ends the call once its goodbye has been heard.</summary>
    public const string EndCall = "end_call";

    public const string CurrentTime = "current_time";
}
