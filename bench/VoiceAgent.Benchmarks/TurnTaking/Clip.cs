namespace VoiceAgent.Benchmarks.TurnTaking;

/// <summary>16 kHz PCM16 mono audio for the turn-taking sets, as samples, with the operations the sets need.</summary>
public sealed class Clip(short[] samples)
{
    public const int Rate = 16_000;

    public short[] Samples { get; } = samples;

    public double Ms => Samples.Length * 1000.0 / Rate;

    public static Clip FromBytes(byte[] pcm)
    {
        var s = new short[pcm.Length / 2];
        Buffer.BlockCopy(pcm, 0, s, 0, s.Length * 2);
        return new Clip(s);
    }

    public static Clip Silence(int ms) => new(new short[Rate / 1000 * ms]);

    public static Clip Concat(params Clip[] parts) => new([.. parts.SelectMany(p => p.Samples)]);

    public byte[] ToBytes()
    {
        var b = new byte[Samples.Length * 2];
        Buffer.BlockCopy(Samples, 0, b, 0, b.Length);
        return b;
    }

    /// <summary>Without the synthesiser's near-silent lead-in and tail (samples under -40 dB of the peak), so spliced pauses are exact.</summary>
    public Clip Trim()
    {
        var peak = Samples.Max(s => Math.Abs((int)s));
        var floor = Math.Max(30, peak / 100);
        var first = Array.FindIndex(Samples, s => Math.Abs((int)s) > floor);
        var last = Array.FindLastIndex(Samples, s => Math.Abs((int)s) > floor);
        return first < 0 ? this : new Clip(Samples[first..(last + 1)]);
    }

    public double Rms()
    {
        double sum = 0;
        foreach (var s in Samples)
        {
            sum += (double)s * s;
        }

        return Math.Sqrt(sum / Math.Max(1, Samples.Length));
    }

    /// <summary>Scaled so its RMS is <paramref name="dbfs"/> dB below full scale.</summary>
    public Clip AtLevel(double dbfs) => Scaled(32768 * Math.Pow(10, dbfs / 20) / Math.Max(1e-9, Rms()));

    public Clip Scaled(double gain) => new([.. Samples.Select(s => (short)Math.Clamp(s * gain, short.MinValue, short.MaxValue))]);

    /// <summary>This clip, at least <paramref name="ms"/> long, looped or cut to exactly that length.</summary>
    public Clip Loop(double ms)
    {
        var n = (int)(ms * Rate / 1000);
        var s = new short[n];
        for (var i = 0; i < n; i++)
        {
            s[i] = Samples[i % Samples.Length];
        }

        return new Clip(s);
    }

    /// <summary>The sum of this clip and <paramref name="other"/> (placed at <paramref name="offsetMs"/>), clipped to 16 bits.</summary>
    public Clip Mix(Clip other, double offsetMs = 0)
    {
        var offset = (int)(offsetMs * Rate / 1000);
        var s = new short[Math.Max(Samples.Length, offset + other.Samples.Length)];
        for (var i = 0; i < s.Length; i++)
        {
            var a = i < Samples.Length ? Samples[i] : 0;
            var b = i >= offset && i - offset < other.Samples.Length ? other.Samples[i - offset] : 0;
            s[i] = (short)Math.Clamp(a + b, short.MinValue, short.MaxValue);
        }

        return new Clip(s);
    }
}
