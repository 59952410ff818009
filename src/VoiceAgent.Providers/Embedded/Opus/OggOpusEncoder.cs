using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Providers.Embedded.Opus;

/// <summary>Streaming PCM16 mono to Ogg Opus (RFC 7845) with libopus, in process: each write goes out as the pages of its whole 20 ms frames.</summary>
/// <remarks>
/// In process rather than through the ffmpeg program, which put about 30 ms over pcm before the first byte (a warm
/// process's pipe and its muxer's buffering); libopus encodes a frame in well under a millisecond. The Ogg pages are
/// written here (<see cref="OggPageWriter"/>): libopusenc, which would write them, is not installed by default and buffers
/// audio to decide its pages. A page per write keeps audio close behind the input for a page header per write.
/// The headers wait for the first audio so that a synthesis that fails at once still gets a clean error response.
/// Not thread-safe: one encoder serves one response, called by one async flow.
/// </remarks>
public sealed class OggOpusEncoder : IAudioEncoder
{
    private const int FrameMs = 20;
    private const int MaxPacketBytes = 1275 * 3; // the largest 20 ms packet libopus makes, with room to spare
    private const int GranuleRate = 48_000; // Ogg Opus counts positions at 48 kHz whatever the input rate

    private readonly OpusEncoderHandle _opus;
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2213:Disposable fields should be disposed", Justification = "The output stream is the caller's (a response body): the encoder only writes to it.")]
    private readonly Stream _output;
    private readonly OggPageWriter _ogg = new((uint)Random.Shared.Next());
    private readonly ArrayBufferWriter<byte> _pending = new(4096);
    private readonly short[] _frame;
    private readonly byte[] _packet = new byte[MaxPacketBytes];
    private readonly int _sampleRate;
    private readonly int _preSkip; // 48 kHz samples the decoder drops at the start: the encoder's look-ahead
    private int _inFrame;
    private long _samplesIn;
    private long _granule;
    private bool _started;
    private bool _completed;

    /// <param name="sampleRate">8, 12, 16, 24 or 48 kHz: the rates Opus encodes natively.</param>
    /// <param name="bitsPerSecond">The target bit rate (32 kb/s is plenty for one voice).</param>
    /// <exception cref="InvalidOperationException">libopus is not installed, or refuses the rate or bit rate.</exception>
    public unsafe OggOpusEncoder(int sampleRate, int bitsPerSecond, Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _sampleRate = sampleRate;
        if (sampleRate is not (8000 or 12000 or 16000 or 24000 or 48000))
        {
            throw new InvalidOperationException($"libopus cannot encode {sampleRate} Hz: Opus takes 8, 12, 16, 24 or 48 kHz.");
        }

        int error;
        try
        {
            _opus = NativeMethods.opus_encoder_create(sampleRate, 1, NativeMethods.ApplicationVoip, &error);
        }
        catch (DllNotFoundException ex)
        {
            throw new InvalidOperationException(Unavailable, ex);
        }

        int lookahead;
        if (error != NativeMethods.Ok || _opus.IsInvalid
            || NativeMethods.opus_encoder_ctl_set(_opus, NativeMethods.SetBitrateRequest, bitsPerSecond) != NativeMethods.Ok
            || NativeMethods.opus_encoder_ctl_get(_opus, NativeMethods.GetLookaheadRequest, &lookahead) != NativeMethods.Ok)
        {
            _opus.Dispose();
            throw new InvalidOperationException($"libopus cannot encode mono {sampleRate} Hz at {bitsPerSecond} b/s (error {error}).");
        }

        _frame = new short[sampleRate * FrameMs / 1000];
        _preSkip = lookahead * (GranuleRate / sampleRate);
    }

    /// <summary>Null when libopus can be loaded here; otherwise why not, naming the Debian package.</summary>
    public static string? CheckAvailable()
    {
        if (!NativeLibrary.TryLoad(NativeMethods.Library, out var handle))
        {
            return Unavailable;
        }

        NativeLibrary.Free(handle);
        return null;
    }

    public string ContentType => "audio/ogg";

    public async ValueTask WriteAsync(ReadOnlyMemory<short> samples, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed || _opus.IsClosed, this);
        if (samples.IsEmpty)
        {
            return;
        }

        StartOnce();
        _samplesIn += samples.Length;
        for (var input = samples.Span; !input.IsEmpty;)
        {
            var take = Math.Min(input.Length, _frame.Length - _inFrame);
            input[..take].CopyTo(_frame.AsSpan(_inFrame));
            input = input[take..];
            _inFrame += take;
            if (_inFrame == _frame.Length)
            {
                EncodeFrame(_granule + FrameGranules);
            }
        }

        if (_ogg.HasPackets)
        {
            _ogg.Flush(_pending);
        }

        await WriteOutAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed || _opus.IsClosed, this);
        _completed = true;
        StartOnce();

        // The decoder drops the pre-skip and plays up to the last page's granule: silence is encoded until the packets
        // cover the look-ahead and all the input, and the last granule cuts the padding off again.
        var end = _preSkip + (_samplesIn * GranuleRate / _sampleRate);
        do
        {
            _frame.AsSpan(_inFrame).Clear();
            EncodeFrame(Math.Min(_granule + FrameGranules, end));
        }
        while (_granule < end);

        _ogg.Flush(_pending, last: true);
        await WriteOutAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _opus.Dispose();
        return ValueTask.CompletedTask;
    }

    private static string Unavailable => $"{NativeMethods.Library} cannot be loaded: install the Debian package {NativeMethods.DebianPackage}.";

    private int FrameGranules => FrameMs * (GranuleRate / 1000);

    /// <summary>The identification header (RFC 7845 §5.1) and the comment header, each on a page of its own as the RFC requires.</summary>
    private void StartOnce()
    {
        if (_started)
        {
            return;
        }

        _started = true;
        Span<byte> head = stackalloc byte[19];
        "OpusHead"u8.CopyTo(head);
        head[8] = 1; // version
        head[9] = 1; // channels
        BinaryPrimitives.WriteUInt16LittleEndian(head[10..], (ushort)_preSkip);
        BinaryPrimitives.WriteUInt32LittleEndian(head[12..], (uint)_sampleRate); // the input's rate, for information
        BinaryPrimitives.WriteInt16LittleEndian(head[16..], 0); // output gain
        head[18] = 0; // mapping family 0: mono or stereo, no table
        _ogg.Add(head, 0);
        _ogg.Flush(_pending);

        var vendor = "VoiceAgent (libopus)"u8;
        Span<byte> tags = stackalloc byte[8 + 4 + vendor.Length + 4];
        "OpusTags"u8.CopyTo(tags);
        BinaryPrimitives.WriteUInt32LittleEndian(tags[8..], (uint)vendor.Length);
        vendor.CopyTo(tags[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(tags[(12 + vendor.Length)..], 0); // no user comments
        _ogg.Add(tags, 0);
        _ogg.Flush(_pending);
    }

    private unsafe void EncodeFrame(long granule)
    {
        int bytes;
        fixed (short* pcm = _frame)
        fixed (byte* packet = _packet)
        {
            bytes = NativeMethods.opus_encode(_opus, pcm, _frame.Length, packet, _packet.Length);
        }

        if (bytes < 0)
        {
            throw new InvalidOperationException($"opus_encode failed (error {bytes}).");
        }

        _ogg.Add(_packet.AsSpan(0, bytes), granule);
        _granule = granule;
        _inFrame = 0;
    }

    private async ValueTask WriteOutAsync(CancellationToken cancellationToken)
    {
        if (_pending.WrittenCount > 0)
        {
            await _output.WriteAsync(_pending.WrittenMemory, cancellationToken).ConfigureAwait(false);
            await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
            _pending.ResetWrittenCount();
        }
    }
}
