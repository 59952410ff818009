using System.Buffers;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Asr;

namespace VoiceAgent.Providers.Instant;

/// <summary>
/// A load-test engine, not a recogniser: reads the audio to its end (so the pipeline's backpressure is real) and returns
/// a fixed text. It lets a benchmark measure the service's own cost per call without an ASR engine's CPU time.
/// </summary>
public sealed class InstantSpeechToTextClient(string transcript = "benchmark question") : ISpeechToTextClient
{
    private const string ModelId = "instant-asr";
    private readonly SpeechToTextClientMetadata _metadata = new("instant", providerUri: null, defaultModelId: ModelId);

    public async Task<SpeechToTextResponse> GetTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default)
    {
        var bytes = await DrainAsync(audioSpeechStream, cancellationToken).ConfigureAwait(false);
        return new SpeechToTextResponse(transcript) { ModelId = ModelId, StartTime = TimeSpan.Zero, EndTime = Duration(bytes, options) };
    }

    /// <summary>Yields <c>SessionOpen</c>, then after the stream ends one <c>TextUpdated</c> with the fixed text, then <c>SessionClose</c>.</summary>
    public async IAsyncEnumerable<SpeechToTextResponseUpdate> GetStreamingTextAsync(
        Stream audioSpeechStream, SpeechToTextOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return new SpeechToTextResponseUpdate { Kind = SpeechToTextResponseUpdateKind.SessionOpen, ModelId = ModelId };
        var bytes = await DrainAsync(audioSpeechStream, cancellationToken).ConfigureAwait(false);
        var end = Duration(bytes, options);
        yield return new SpeechToTextResponseUpdate([new TextContent(transcript)]) { Kind = SpeechToTextResponseUpdateKind.TextUpdated, ModelId = ModelId, StartTime = TimeSpan.Zero, EndTime = end };
        yield return new SpeechToTextResponseUpdate { Kind = SpeechToTextResponseUpdateKind.SessionClose, ModelId = ModelId, EndTime = end };
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(SpeechToTextClientMetadata) ? _metadata
            : serviceType == typeof(SpeechToTextPartials) ? SpeechToTextPartials.None
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
    }

    private static async Task<long> DrainAsync(Stream audio, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audio);
        var buffer = ArrayPool<byte>.Shared.Rent(8192);
        try
        {
            long total = 0;
            int read;
            while ((read = await audio.ReadAsync(buffer.AsMemory(0, 8192), cancellationToken).ConfigureAwait(false)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                total += read;
            }

            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static TimeSpan Duration(long bytes, SpeechToTextOptions? options) =>
        TimeSpan.FromSeconds(bytes / 2.0 / (options?.SpeechSampleRate ?? 16_000));
}
