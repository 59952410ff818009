namespace VoiceAgent.Harness;

/// <summary>A failure the harness explains to its user in one line (bad option, no server, no audio device); exit code 1.</summary>
public sealed class HarnessException : Exception
{
    public HarnessException(string message)
        : base(message)
    {
    }

    public HarnessException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public HarnessException()
    {
    }
}
