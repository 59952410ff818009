using VoiceAgent.Harness.Audio;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Harness.Client;

/// <summary>The user's side of a call as 16 kHz mono PCM16, with a per-frame "is this speech" test for voice-to-voice timing.</summary>
public sealed class SpeechAudio
{
    public const int SampleRate = 16_000;

    private SpeechAudio(byte[] pcm, double threshold)
    {
        Pcm = pcm;
        VoiceThreshold = threshold;
    }

    /// <summary>PCM16LE mono at 16 kHz.</summary>
    public byte[] Pcm { get; }

    /// <summary>RMS above which a frame counts as speech: a twentieth of the loudest 20 ms frame, at least 100.</summary>
    public double VoiceThreshold { get; }

    public TimeSpan Duration => AudioFormat.Pcm16Mono16k.DurationOf(Pcm.Length);

    /// <summary>Reads any WAV a user records (see <see cref="WavDecoder"/>) and converts it to 16 kHz mono PCM16.</summary>
    public static SpeechAudio FromWav(byte[] wav)
    {
        byte[] pcm;
        try
        {
            pcm = WavDecoder.ToPcm16Mono(wav, SampleRate);
        }
        catch (InvalidDataException ex)
        {
            throw new HarnessException("The WAV file cannot be used: " + ex.Message, ex);
        }

        if (pcm.Length == 0)
        {
            throw new HarnessException("The WAV file holds no audio.");
        }

        var loudest = 0.0;
        var frame = AudioFormat.Pcm16Mono16k.BytesFor(20);
        for (var off = 0; off < pcm.Length; off += frame)
        {
            loudest = Math.Max(loudest, Rms(pcm.AsSpan(off, Math.Min(frame, pcm.Length - off))));
        }

        return new SpeechAudio(pcm, Math.Max(100, loudest / 20));
    }

    public static SpeechAudio FromFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new HarnessException($"WAV file not found: {path}");
        }

        return FromWav(File.ReadAllBytes(path));
    }

    public bool IsVoiced(ReadOnlySpan<byte> pcm) => Rms(pcm) >= VoiceThreshold;

    /// <summary>Root mean square of PCM16LE samples.</summary>
    public static double Rms(ReadOnlySpan<byte> pcm)
    {
        var samples = Pcm16.AsSamples(pcm);
        if (samples.Length == 0)
        {
            return 0;
        }

        double sum = 0;
        foreach (var s in samples)
        {
            sum += (double)s * s;
        }

        return Math.Sqrt(sum / samples.Length);
    }
}
