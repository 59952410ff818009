namespace VoiceAgent.Benchmarks.TurnTaking;

/// <summary>The noise beds: pink, brown and white noise and mains hum from sox, keyboard-like clicks, and babble mixed from quiet speech.</summary>
public static class NoiseMaker
{
    private const int Seconds = 4;

    public static async Task<Dictionary<string, Clip>> MakeAsync()
    {
        var s = Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var noises = new Dictionary<string, Clip>
        {
            ["pink"] = await SoxAsync("synth", s, "pinknoise"),
            ["pink2"] = await SoxAsync("synth", "9", "pinknoise", "vol", "0.7"),
            ["brown"] = await SoxAsync("synth", s, "brownnoise"),
            ["white"] = await SoxAsync("synth", s, "whitenoise"),
        };

        // Mains hum: 50 Hz with its odd and even harmonics, as a badly earthed microphone picks it up.
        var hum = await SoxAsync("synth", s, "sine", "50");
        hum = hum.Mix((await SoxAsync("synth", s, "sine", "100")).Scaled(0.5)).Mix((await SoxAsync("synth", s, "sine", "150")).Scaled(0.3));
        noises["hum"] = hum;
        noises["clicks"] = Clicks(seed: 3);

        var babble = Clip.Silence(Seconds * 1000);
        var offset = 0;
        foreach (var (voice, text) in TurnSets.BabbleVoices)
        {
            var talker = Clip.FromBytes(await Speech.FliteAsync(text, default, voice)).Trim().AtLevel(-30);
            babble = babble.Mix(new Clip([.. talker.Loop((Seconds * 1000) + offset).Samples.Skip(offset * Clip.Rate / 1000)]));
            offset += 700;
        }

        noises["babble"] = babble;
        return noises;
    }

    private static async Task<Clip> SoxAsync(params string[] effects) => Clip.FromBytes(await Speech.SoxAsync(effects, default));

    /// <summary>Key presses: 4 ms bursts of decaying noise every 80–300 ms, seeded.</summary>
    private static Clip Clicks(int seed)
    {
        var random = new Random(seed);
        var s = new short[Seconds * Clip.Rate];
        for (var at = random.Next(800, 4800); at < s.Length - 64; at += random.Next(1280, 4800))
        {
            var amplitude = random.Next(8000, 20000);
            for (var i = 0; i < 64; i++)
            {
                s[at + i] = (short)(amplitude * Math.Exp(-i / 12.0) * ((random.NextDouble() * 2) - 1));
            }
        }

        return new Clip(s);
    }
}
