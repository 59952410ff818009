using System.Buffers;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Api.Telephony;

/// <summary>
/// The agent's speech on its way to the carrier: resampled from the pipeline's output rate to the carrier's (libsoxr,
/// one stream per reply so its filter state never spans a clear), coded, and cut into whole 20 ms frames.
/// </summary>
/// <remarks>
/// Each message is handed to <c>send</c> as a view of one buffer this class reuses: valid only during that call, so the
/// callback writes it into its outbound message there and then. Nothing is allocated per message.
/// </remarks>
public sealed class PhoneAudioOut(IResamplerFactory resamplers, CarrierAudioFormat format, int framesPerMessage) : IDisposable
{
    private readonly ArrayBufferWriter<short> _resampled = new();
    private readonly byte[] _pending = new byte[format.FrameBytes * framesPerMessage];
    private int _pendingBytes;
    private IResampler? _resampler;

    /// <summary>Codes <paramref name="pcm"/> and calls <paramref name="send"/> with each full message of audio (valid during the call only).</summary>
    public void Write(ReadOnlySpan<byte> pcm, int sampleRate, Action<ReadOnlyMemory<byte>> send)
    {
        if (_resampler is null || _resampler.InputRate != sampleRate)
        {
            _resampler?.Dispose();
            _resampler = resamplers.Create(sampleRate, format.SampleRate);
        }

        _resampled.ResetWrittenCount();
        _resampler.Process(Pcm16.AsSamples(pcm), _resampled);
        Append(_resampled.WrittenSpan, send);
    }

    /// <summary>
    /// The end of a sentence or reply: the resampler's tail and the last partial frame go out, padded with silence to a
    /// whole 20 ms frame (Vonage takes nothing else, and a mark should follow all of the sentence).
    /// </summary>
    public void Flush(bool endOfReply, Action<ReadOnlyMemory<byte>> send)
    {
        if (endOfReply && _resampler is not null)
        {
            _resampled.ResetWrittenCount();
            _resampler.Flush(_resampled);
            _resampler.Dispose();
            _resampler = null;
            Append(_resampled.WrittenSpan, send);
        }

        if (_pendingBytes == 0)
        {
            return;
        }

        var whole = (_pendingBytes + format.FrameBytes - 1) / format.FrameBytes * format.FrameBytes;
        _pending.AsSpan(_pendingBytes, whole - _pendingBytes).Fill(format.SilenceByte);
        send(_pending.AsMemory(0, whole));
        _pendingBytes = 0;
    }

    /// <summary>A clear: whatever is held is dropped, and the next reply starts a fresh resampler.</summary>
    public void Reset()
    {
        _pendingBytes = 0;
        _resampler?.Dispose();
        _resampler = null;
    }

    public void Dispose() => _resampler?.Dispose();

    private void Append(ReadOnlySpan<short> samples, Action<ReadOnlyMemory<byte>> send)
    {
        var sampleBytes = format.BytesPerSample;
        while (!samples.IsEmpty)
        {
            var room = (_pending.Length - _pendingBytes) / sampleBytes;
            var n = Math.Min(room, samples.Length);
            format.Encode(samples[..n], _pending.AsSpan(_pendingBytes, n * sampleBytes));
            _pendingBytes += n * sampleBytes;
            samples = samples[n..];
            if (_pendingBytes == _pending.Length)
            {
                send(_pending);
                _pendingBytes = 0;
            }
        }
    }
}
