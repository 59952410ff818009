using NAudio.Wave;
using NAudio.Wave.SampleProviders;

namespace VoiceAgent.Harness.Audio;

/// <summary>
/// Any WAV a user records (PCM of 8, 16, 24 or 32 bits, IEEE float, WAVE_FORMAT_EXTENSIBLE; mono, stereo or more; any
/// rate) → PCM16LE mono at the rate the call wants, through NAudio: channels averaged, then WDL resampling (band-limited,
/// so 44.1 and 48 kHz recordings do not alias into the recogniser's band).
/// </summary>
public static class WavDecoder
{
    /// <exception cref="InvalidDataException">Not a WAV file, or an encoding NAudio cannot turn into samples (compressed WAVs).</exception>
    public static byte[] ToPcm16Mono(byte[] wav, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(wav);
        try
        {
            using var reader = new WaveFileReader(new MemoryStream(wav, writable: false));
            var samples = reader.ToSampleProvider();
            var channels = samples.WaveFormat.Channels;
            if (channels > 1)
            {
                var average = new float[channels, 1];
                for (var c = 0; c < channels; c++)
                {
                    average[c, 0] = 1f / channels;
                }

                samples = new ChannelMixerSampleProvider(samples, average);
            }

            if (samples.WaveFormat.SampleRate != sampleRate)
            {
                samples = new WdlResamplingSampleProvider(samples, sampleRate);
            }

            var pcm16 = new SampleToWaveProvider16(samples);
            using var output = new MemoryStream();
            var buffer = new byte[pcm16.WaveFormat.AverageBytesPerSecond / 10];
            int read;
            while ((read = pcm16.Read(buffer)) > 0)
            {
                output.Write(buffer, 0, read);
            }

            return output.ToArray();
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or EndOfStreamException or InvalidOperationException)
        {
            // NAudio says what it could not read (a missing fmt chunk, an unsupported encoding): that is the message.
            throw new InvalidDataException(ex.Message, ex);
        }
    }
}
