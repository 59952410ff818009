using System.Runtime.InteropServices;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Providers.Embedded.Lame;

/// <summary>Streaming PCM16 mono to constant-bit-rate MP3 with LAME, in process: each write yields the frames it completed.</summary>
/// <remarks>
/// In process rather than through the ffmpeg program because MP3 is OpenAI's default speech format: LAME answers a
/// write in microseconds, where starting ffmpeg costs tens of milliseconds before its first byte (README, bench).
/// LAME holds about one frame (576 samples at 24 kHz) of look-ahead, so the first bytes follow the first ~50 ms of audio.
/// Not thread-safe: one encoder serves one response, called by one async flow.
/// </remarks>
public sealed class LameMp3Encoder : IAudioEncoder
{
    private readonly LameHandle _lame;
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2213:Disposable fields should be disposed", Justification = "The output stream is the caller's (a response body): the encoder only writes to it.")]
    private readonly Stream _output;
    private byte[] _buffer = new byte[8192];
    private bool _completed;

    /// <exception cref="InvalidOperationException">LAME is not installed, or refuses the rate.</exception>
    public LameMp3Encoder(int sampleRate, int bitRateKbps, Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        try
        {
            _lame = NativeMethods.lame_init();
        }
        catch (DllNotFoundException ex)
        {
            throw new InvalidOperationException($"{NativeMethods.Library} cannot be loaded: install the Debian package {NativeMethods.DebianPackage}.", ex);
        }

        if (_lame.IsInvalid)
        {
            throw new InvalidOperationException("lame_init failed.");
        }

        NativeMethods.lame_set_in_samplerate(_lame, sampleRate);
        NativeMethods.lame_set_out_samplerate(_lame, sampleRate);
        NativeMethods.lame_set_num_channels(_lame, 1);
        NativeMethods.lame_set_mode(_lame, NativeMethods.Mono);
        NativeMethods.lame_set_brate(_lame, bitRateKbps);
        NativeMethods.lame_set_quality(_lame, 5);
        NativeMethods.lame_set_bWriteVbrTag(_lame, 0);
        if (NativeMethods.lame_init_params(_lame) < 0)
        {
            _lame.Dispose();
            throw new InvalidOperationException($"LAME cannot encode mono {sampleRate} Hz at {bitRateKbps} kbit/s.");
        }
    }

    /// <summary>Null when LAME can be loaded here; otherwise why not, naming the Debian package.</summary>
    public static string? CheckAvailable()
    {
        if (!NativeLibrary.TryLoad(NativeMethods.Library, out var handle))
        {
            return $"{NativeMethods.Library} cannot be loaded: install the Debian package {NativeMethods.DebianPackage}.";
        }

        NativeLibrary.Free(handle);
        return null;
    }

    public string ContentType => "audio/mpeg";

    public async ValueTask WriteAsync(ReadOnlyMemory<short> samples, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed || _lame.IsClosed, this);
        if (samples.IsEmpty)
        {
            return;
        }

        var written = Encode(samples.Span);
        await WriteOutAsync(written, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed || _lame.IsClosed, this);
        _completed = true;
        var written = Flush();
        await WriteOutAsync(written, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _lame.Dispose();
        return ValueTask.CompletedTask;
    }

    private unsafe int Encode(ReadOnlySpan<short> samples)
    {
        // lame.h: the worst case is 1.25 × samples + 7200 bytes.
        var need = (int)(1.25 * samples.Length) + 7200;
        if (_buffer.Length < need)
        {
            _buffer = new byte[need];
        }

        fixed (short* pcm = samples)
        fixed (byte* mp3 = _buffer)
        {
            var n = NativeMethods.lame_encode_buffer(_lame, pcm, pcm, samples.Length, mp3, _buffer.Length);
            return n >= 0 ? n : throw new InvalidOperationException($"lame_encode_buffer failed ({n}).");
        }
    }

    private unsafe int Flush()
    {
        fixed (byte* mp3 = _buffer)
        {
            var n = NativeMethods.lame_encode_flush(_lame, mp3, _buffer.Length);
            return n >= 0 ? n : throw new InvalidOperationException($"lame_encode_flush failed ({n}).");
        }
    }

    private async ValueTask WriteOutAsync(int count, CancellationToken cancellationToken)
    {
        if (count > 0)
        {
            await _output.WriteAsync(_buffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
            await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
