using System.Buffers;

namespace VoiceAgent.Pipeline.Audio;

/// <summary>Converts a live stream of chunks in any PCM16 format to mono at one rate, keeping resampler state across chunks.</summary>
public sealed class InputConverter(IResamplerFactory resamplers, int targetRate) : IDisposable
{
    private readonly ArrayBufferWriter<short> _resampled = new();
    private IResampler? _resampler;

    /// <summary>The chunk as PCM16 mono at the target rate; the returned span is valid until the next call.</summary>
    public ReadOnlySpan<byte> Convert(AudioChunk chunk)
    {
        var format = chunk.Format;
        if (format.SampleRate == targetRate && format.Channels == 1)
        {
            return chunk.Data.Span;
        }

        short[]? mono = format.Channels == 1 ? null : AudioConversion.ToMono(Pcm16.AsSamples(chunk.Data.Span), format.Channels);
        ReadOnlySpan<short> samples = mono ?? Pcm16.AsSamples(chunk.Data.Span);
        if (format.SampleRate == targetRate)
        {
            return Pcm16.AsBytes(samples);
        }

        if (_resampler is null || _resampler.InputRate != format.SampleRate)
        {
            _resampler?.Dispose();
            _resampler = resamplers.Create(format.SampleRate, targetRate);
        }

        _resampled.ResetWrittenCount();
        _resampler.Process(samples, _resampled);
        return Pcm16.AsBytes(_resampled.WrittenSpan);
    }

    public void Dispose() => _resampler?.Dispose();
}
