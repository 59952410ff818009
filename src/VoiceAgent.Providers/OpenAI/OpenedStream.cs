namespace VoiceAgent.Providers.OpenAI;

/// <summary>A stream whose first item has been awaited, with the token source that keeps it alive.</summary>
internal sealed class OpenedStream<T>(IAsyncEnumerator<T> enumerator, CancellationTokenSource cancellation, bool hasFirst) : IAsyncDisposable
{
    public IAsyncEnumerator<T> Enumerator { get; } = enumerator;

    public bool HasFirst { get; } = hasFirst;

    public async ValueTask DisposeAsync()
    {
        await Enumerator.DisposeAsync();
        cancellation.Dispose();
    }
}
