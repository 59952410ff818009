namespace VoiceAgent.Providers.Tests.Embedded.WebRtcVad;

/// <summary>Ground truth for VAD tests, taken from the signal itself rather than from the detector under test.</summary>
internal static class SignalEnergy
{
    /// <summary>Start and end (ms) of the region whose 10 ms RMS comes within 35 dB of the loudest window; flite's own near-silent lead-in and tail fall outside it.</summary>
    public static (double StartMs, double EndMs) SpeechEdgesMs(short[] signal, int rate)
    {
        var window = rate / 100;
        var rms = new double[signal.Length / window];
        for (var w = 0; w < rms.Length; w++)
        {
            double sum = 0;
            for (var i = w * window; i < (w + 1) * window; i++)
            {
                sum += (double)signal[i] * signal[i];
            }

            rms[w] = Math.Sqrt(sum / window);
        }

        var threshold = rms.Max() * Math.Pow(10, -35.0 / 20);
        var first = Array.FindIndex(rms, r => r > threshold);
        var last = Array.FindLastIndex(rms, r => r > threshold);
        return (first * 10.0, (last + 1) * 10.0);
    }

    /// <summary>Seeded, roughly gaussian noise (sum of uniforms) with standard deviation about <paramref name="amplitude"/>.</summary>
    public static short[] GaussianNoise(int samples, double amplitude, int seed)
    {
        var random = new Random(seed);
        var noise = new short[samples];
        for (var i = 0; i < samples; i++)
        {
            // The sum of 12 uniforms minus 6 has mean 0 and variance 1.
            double sum = 0;
            for (var k = 0; k < 12; k++)
            {
                sum += random.NextDouble();
            }

            noise[i] = (short)Math.Round((sum - 6) * amplitude);
        }

        return noise;
    }
}
