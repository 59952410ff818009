using System.Buffers;

namespace VoiceAgent.Pipeline.Audio;

/// <summary>Whole-buffer conversions to PCM16 mono at a target rate (for uploads and files; live streams use a resampler per stream).</summary>
public static class AudioConversion
{
    public static short[] ToMono(ReadOnlySpan<short> interleaved, int channels)
    {
        if (channels == 1)
        {
            return interleaved.ToArray();
        }

        var mono = new short[interleaved.Length / channels];
        for (var i = 0; i < mono.Length; i++)
        {
            var sum = 0;
            for (var c = 0; c < channels; c++)
            {
                sum += interleaved[(i * channels) + c];
            }

            mono[i] = (short)(sum / channels);
        }

        return mono;
    }

    /// <summary>Converts any PCM16 chunk to mono at <paramref name="rate"/>.</summary>
    public static short[] ToMonoAt(AudioChunk audio, int rate, IResamplerFactory resamplers)
    {
        ArgumentNullException.ThrowIfNull(resamplers);
        var mono = ToMono(Pcm16.AsSamples(audio.Data.Span), audio.Format.Channels);
        if (audio.Format.SampleRate == rate)
        {
            return mono;
        }

        using var resampler = resamplers.Create(audio.Format.SampleRate, rate);
        var output = new ArrayBufferWriter<short>((int)((long)mono.Length * rate / audio.Format.SampleRate) + 1024);
        resampler.Process(mono, output);
        resampler.Flush(output);
        return output.WrittenSpan.ToArray();
    }
}
