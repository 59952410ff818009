namespace VoiceAgent.Providers.DashScope;

/// <summary>A DashScope task ended with <c>task-failed</c> (or the socket broke mid-task): an engine failure.</summary>
/// <remarks>
/// An <see cref="IOException"/> so the engine resilience treats it as transient: before the first audio it is retried on a
/// new connection, after it the reply's fallback and spoken failure take over. Alibaba documents no list of which error
/// codes are final, so none is singled out; a retried InvalidParameter costs two quick round trips.
/// </remarks>
public sealed class DashScopeTaskFailedException : IOException
{
    public DashScopeTaskFailedException()
    {
    }

    public DashScopeTaskFailedException(string message)
        : base(message)
    {
    }

    public DashScopeTaskFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DashScopeTaskFailedException(string engine, string? errorCode, string? errorMessage)
        : base($"DashScope engine '{engine}' task failed: {errorCode ?? "unknown error"}{(string.IsNullOrEmpty(errorMessage) ? "" : " (" + errorMessage + ")")}.")
    {
        ErrorCode = errorCode;
    }

    public string? ErrorCode { get; }
}
