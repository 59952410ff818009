using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Providers.Ffmpeg;

/// <summary>
/// Keeps one started ffmpeg per format (opus, aac) waiting for input, so a request gets an encoder whose start-up
/// (about 200 ms of CPU, far more wall time on a busy machine) is already paid; taking it starts the next spare in the background.
/// </summary>
/// <remarks>
/// Spares are made on first use of a format, not at start-up, so a service that never encodes these runs no ffmpeg.
/// A spare that died meanwhile is replaced by a fresh start. Disposal kills the spares.
/// </remarks>
public sealed class FfmpegEncoderPool(int sampleRate) : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, FfmpegProcess> _spares = [];
    private readonly Dictionary<string, Task> _refills = [];
    private bool _disposed;

    public int SampleRate { get; } = sampleRate;

    /// <summary>A streaming encoder for <paramref name="format"/> (opus or aac) writing to <paramref name="output"/>.</summary>
    /// <exception cref="InvalidOperationException">ffmpeg is not installed.</exception>
    public async ValueTask<IAudioEncoder> RentAsync(string format, Stream output)
    {
        if (!FfmpegEncoder.Formats.ContainsKey(format))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "ffmpeg encodes opus and aac here.");
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

        // The next spare is started beside the request, not before it: starting a process (fork and exec of a large
        // program) took tens of milliseconds on a busy machine, all of it ahead of the response's first byte.
        lock (_lock)
        {
            if (!_disposed && !_refills.ContainsKey(format))
            {
                _refills[format] = Task.Run(() => RefillAsync(format));
            }
        }

        return FfmpegEncoder.Over(ffmpeg, format, output);
    }

    // Never throws: a spare that cannot start is only a cold start for the next request, which reports the problem itself.
    private async Task RefillAsync(string format)
    {
        FfmpegProcess? spare = null;
        try
        {
            spare = FfmpegEncoder.StartProcess(format, SampleRate);
            lock (_lock)
            {
                if (!_disposed && _spares.TryAdd(format, spare))
                {
                    spare = null;
                }
            }
        }
        catch (InvalidOperationException)
        {
            // ffmpeg is missing: RentAsync's own start says so to the request.
        }
        finally
        {
            lock (_lock)
            {
                _refills.Remove(format);
            }

            if (spare is not null)
            {
                await spare.DisposeAsync().ConfigureAwait(false); // another spare got there first, or shutting down
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<FfmpegProcess> spares;
        List<Task> refills;
        lock (_lock)
        {
            _disposed = true;
            refills = [.. _refills.Values];
        }

        await Task.WhenAll(refills).ConfigureAwait(false);
        lock (_lock)
        {
            spares = [.. _spares.Values];
            _spares.Clear();
        }

        foreach (var spare in spares)
        {
            await spare.DisposeAsync().ConfigureAwait(false);
        }
    }
}
