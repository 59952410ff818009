namespace VoiceAgent.Providers.Tests.Embedded.Soxr;

/// <summary>Makes test tones and measures frequency and level from the samples alone.</summary>
internal static class Tone
{
    public static short[] Sine(double frequency, double amplitude, int rate, double seconds)
    {
        var samples = new short[(int)(rate * seconds)];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)Math.Round(amplitude * Math.Sin(2 * Math.PI * frequency * i / rate));
        }

        return samples;
    }

    /// <summary>Frequency from the first and last upward zero crossings, each placed between samples by linear interpolation.</summary>
    public static double FrequencyByZeroCrossings(ReadOnlySpan<short> samples, int rate)
    {
        double first = -1, last = -1;
        var cycles = -1;
        for (var i = 1; i < samples.Length; i++)
        {
            if (samples[i - 1] < 0 && samples[i] >= 0)
            {
                var at = i - 1 + ((double)-samples[i - 1] / (samples[i] - samples[i - 1]));
                if (first < 0)
                {
                    first = at;
                }

                last = at;
                cycles++;
            }
        }

        return cycles <= 0 ? 0 : cycles * rate / (last - first);
    }

    public static double Rms(ReadOnlySpan<short> samples)
    {
        double sum = 0;
        foreach (var s in samples)
        {
            sum += (double)s * s;
        }

        return samples.IsEmpty ? 0 : Math.Sqrt(sum / samples.Length);
    }
}
