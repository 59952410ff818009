namespace VoiceAgent.Providers.Embedded.Espeak;

/// <summary>An eSpeak worker process died, hung or broke the protocol; the request it held failed as an engine failure.</summary>
/// <remarks>An <see cref="IOException"/>, so the engine resilience treats it as transient: retried, or answered by the fallback engine.</remarks>
public sealed class EspeakWorkerException : IOException
{
    public EspeakWorkerException()
    {
    }

    public EspeakWorkerException(string message)
        : base(message)
    {
    }

    public EspeakWorkerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
