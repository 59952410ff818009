using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Api.Recorded;

/// <summary>A whole uploaded recording: WAV (any PCM16 rate and channels) or raw PCM16 mono 16 kHz, as 16 kHz mono for recognition.</summary>
public sealed record RecordedAudio(short[] Samples, byte[] Wav)
{
    public const int SampleRate = 16_000;

    public double DurationSeconds => Math.Round(Samples.Length / (double)SampleRate, 2);

    /// <summary>Decodes the upload; throws <see cref="InvalidDataException"/> saying what is wrong with it.</summary>
    public static RecordedAudio Decode(byte[] upload, IResamplerFactory resamplers)
    {
        ArgumentNullException.ThrowIfNull(upload);
        AudioChunk chunk;
        if (WavFile.LooksLikeWav(upload))
        {
            chunk = WavFile.Read(upload);
        }
        else if (upload.Length % 2 != 0)
        {
            throw new InvalidDataException("The recording is neither a WAV file nor raw PCM16 (it has an odd number of bytes).");
        }
        else
        {
            chunk = new AudioChunk(upload, AudioFormat.Pcm16Mono16k);
        }

        var samples = AudioConversion.ToMonoAt(chunk, SampleRate, resamplers);
        if (samples.Length == 0)
        {
            throw new InvalidDataException("The recording holds no audio.");
        }

        // Stored as a WAV either way, so a stored recording can be played as it is.
        var wav = WavFile.LooksLikeWav(upload) ? upload : WavFile.Write(chunk);
        return new RecordedAudio(samples, wav);
    }
}
