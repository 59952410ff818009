using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Providers.Ffmpeg;

/// <summary>
/// Keeps one started ffmpeg per format (opus, aac, flac) waiting for input, so a request gets an encoder whose start-up
/// (about 200 ms of CPU, far more wall time on a busy machine) is already paid; taking it starts the next spare.
/// </summary>
/// <remarks>
/// Spares are made on first use of a format, not at start-up, so a service that never encodes these runs no ffmpeg.
/// A spare that died meanwhile is replaced by a fresh start. Disposal kills the spares.
/// </remarks>
public sealed class FfmpegEncoderPool(int sampleRate) : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, FfmpegProcess> _spares = [];
    private bool _disposed;

    public int SampleRate { get; } = sampleRate;

    /// <summary>A streaming encoder for <paramref name="format"/> (opus, aac or flac) writing to <paramref name="output"/>.</summary>
    /// <exception cref="InvalidOperationException">ffmpeg is not installed.</exception>
    public async ValueTask<IAudioEncoder> RentAsync(string format, Stream output)
    {
        if (!FfmpegEncoder.Formats.ContainsKey(format))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "ffmpeg encodes opus, aac and flac here.");
        }

        FfmpegProcess? ffmpeg;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _spares.Remove(format, out ffmpeg);
        }

        if (ffmpeg is null || ffmpeg.HasExited)
        {
            if (ffmpeg is not null)
            {
                await ffmpeg.DisposeAsync().ConfigureAwait(false); // exited already: this only releases its pipes
            }

            ffmpeg = FfmpegEncoder.StartProcess(format, SampleRate);
        }

        var spare = FfmpegEncoder.StartProcess(format, SampleRate);
        bool kept;
        lock (_lock)
        {
            kept = !_disposed && _spares.TryAdd(format, spare);
        }

        if (!kept)
        {
            await spare.DisposeAsync().ConfigureAwait(false); // another request left a spare first, or shutting down
        }

        return FfmpegEncoder.Over(ffmpeg, format, output);
    }

    public async ValueTask DisposeAsync()
    {
        List<FfmpegProcess> spares;
        lock (_lock)
        {
            _disposed = true;
            spares = [.. _spares.Values];
            _spares.Clear();
        }

        foreach (var spare in spares)
        {
            await spare.DisposeAsync().ConfigureAwait(false);
        }
    }
}
