using System.Globalization;
using System.Runtime.InteropServices;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Providers.Ffmpeg;

/// <summary>Streaming PCM16 mono to Ogg Opus or AAC (ADTS) through the <c>ffmpeg</c> program over pipes.</summary>
/// <remarks>
/// ffmpeg rather than in-process libraries for these two: Debian has no AAC encoder library outside ffmpeg's own
/// libavcodec, and one program for both is less code than two native bindings. (FLAC moved in process, to libFLAC:
/// ffmpeg's FLAC path held its first byte back 80–110 ms even when warm.) The price is ffmpeg's start
/// (about 200 ms of CPU, mostly loading its libraries: README, bench), which <see cref="FfmpegEncoderPool"/> takes off
/// the request's path by keeping one started ffmpeg per format waiting. Raw input with its format given needs no probing
/// (<c>-probesize 32 -analyzeduration 0</c>); <c>-flush_packets 1</c> and Ogg pages of at most 20 ms make ffmpeg
/// write each packet as soon as it is encoded, and a pump copies ffmpeg's stdout to the output as it comes.
/// </remarks>
public sealed class FfmpegEncoder : IAudioEncoder
{
    private const int PumpBytes = 16 * 1024;

    private readonly FfmpegProcess _ffmpeg;
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2213:Disposable fields should be disposed", Justification = "The output stream is the caller's (a response body): the encoder only writes to it.")]
    private readonly Stream _output;
    private readonly CancellationTokenSource _pumpCancel = new();
    private readonly Task _pump;
    private bool _completed;

    private FfmpegEncoder(FfmpegProcess ffmpeg, Stream output, string contentType)
    {
        _ffmpeg = ffmpeg;
        _output = output;
        ContentType = contentType;
        _pump = PumpAsync(_pumpCancel.Token);
    }

    public string ContentType { get; }

    /// <summary>
    /// ffmpeg's output options per format. opus: Ogg Opus, as OpenAI's <c>opus</c> (a browser's <c>audio/ogg</c>), 32 kbit/s,
    /// 20 ms frames, tuned for speech. aac: AAC-LC in ADTS frames, the streamable form of OpenAI's <c>aac</c>, 64 kbit/s.
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, (string ContentType, string[] Codec)> Formats = new Dictionary<string, (string, string[])>
    {
        ["opus"] = ("audio/ogg", ["-c:a", "libopus", "-b:a", "32k", "-application", "voip", "-frame_duration", "20", "-f", "ogg", "-page_duration", "20000"]),
        ["aac"] = ("audio/aac", ["-c:a", "aac", "-b:a", "64k", "-f", "adts"]),
    };

    /// <summary>Starts ffmpeg for <paramref name="format"/> (opus or aac), waiting for its input.</summary>
    internal static FfmpegProcess StartProcess(string format, int sampleRate)
    {
        string[] input = ["-probesize", "32", "-analyzeduration", "0", "-f", "s16le", "-ar", sampleRate.ToString(CultureInfo.InvariantCulture), "-ac", "1", "-i", "pipe:0"];
        return FfmpegProcess.Start([.. input, .. Formats[format].Codec, "-flush_packets", "1", "pipe:1"]);
    }

    /// <summary>An encoder over an ffmpeg started by <see cref="StartProcess"/>; it owns the process from now on.</summary>
    internal static FfmpegEncoder Over(FfmpegProcess ffmpeg, string format, Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return new FfmpegEncoder(ffmpeg, output, Formats[format].ContentType);
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<short> samples, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (samples.IsEmpty)
        {
            return;
        }

        var bytes = MemoryMarshal.AsBytes(samples.Span).ToArray();
        try
        {
            await _ffmpeg.Input.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await _ffmpeg.Input.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw await FailureAsync(ex).ConfigureAwait(false);
        }
    }

    public async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _completed = true;
        try
        {
            _ffmpeg.Input.Close(); // end of input: ffmpeg encodes the rest, writes its trailer and exits
        }
        catch (IOException ex)
        {
            throw await FailureAsync(ex).ConfigureAwait(false);
        }

        await _pump.WaitAsync(cancellationToken).ConfigureAwait(false);
        var (exitCode, errors) = await _ffmpeg.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg failed to encode {ContentType} (exit code {exitCode}): {errors}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _pumpCancel.CancelAsync().ConfigureAwait(false);
        await _ffmpeg.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _pump.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Disposing a response that was cancelled or failed: what the pump hit is already reported elsewhere.
        }

        _pumpCancel.Dispose();
    }

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        var buffer = new byte[PumpBytes];
        int read;
        while ((read = await _ffmpeg.Output.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await _output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // A broken stdin pipe means ffmpeg exited: its stderr says why.
    private async Task<Exception> FailureAsync(IOException ex)
    {
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var (exitCode, errors) = await _ffmpeg.WaitAsync(wait.Token).ConfigureAwait(false);
        return new InvalidOperationException($"ffmpeg stopped encoding {ContentType} (exit code {exitCode}): {errors}", ex);
    }
}
