using System.Globalization;
using VoiceAgent.Providers.Embedded.Silero;

namespace VoiceAgent.Benchmarks.TurnTaking;

/// <summary>
/// How periodic (one voice) the windows Silero calls speech are, per clip of a part's sets: noises, questions, and
/// questions in the part's pink noise at 10/5/0 dB. Used to see whether a voicing rule tells babble from a talker
/// without costing questions in noise. Usage: <c>voicing-probe [tune|heldout|fresh|unseen]</c>.
/// </summary>
public static class VoicingProbe
{
    private static readonly double[] Thresholds = [0.5, 0.6, 0.7, 0.8];

    public static async Task<int> RunAsync(string[] args)
    {
        var part = args.Length > 1 ? args[1] : "tune";
        var noises = await NoiseMaker.MakeAsync();
        using var model = SileroModel.Load(new SileroVadOptions().ResolvedModelPath);
        var clips = TurnSets.NoiseClips(part, noises);

        var bed = noises[part == "heldout" ? "pink2" : "pink"];
        foreach (var voice in TurnSets.Voices(part))
        {
            foreach (var q in TurnSets.Questions(part))
            {
                var clip = Clip.FromBytes(await Speech.FliteAsync(q, default, voice)).Trim();
                clips.Add(($"{voice}: {q}", clip));
                foreach (var snr in TurnSets.SnrDb)
                {
                    var noise = bed.Loop(clip.Ms + 1000).AtLevel((20 * Math.Log10(clip.Rms() / 32768)) - snr);
                    clips.Add(($"{voice}: {q} at {snr} dB", noise.Mix(clip, 500)));
                }
            }
        }

        Console.WriteLine($"# voicing-probe {part}, load average {Percentiles.LoadAverage()}");
        Console.WriteLine($"clip | speech windows | share with periodicity >= {string.Join(" / ", Thresholds)} | best share in any 10 speech windows (320 ms) at 0.7 | p50 periodicity");
        foreach (var (label, clip) in clips)
        {
            using var vad = new SileroVoiceActivityDetector(model, Clip.Rate);
            var meter = new VoicingMeter();
            var values = new List<double>();
            var padded = Clip.Concat(Clip.Silence(300), clip, Clip.Silence(300)).Samples;
            for (var at = 0; at + 512 <= padded.Length; at += 512)
            {
                var window = padded.AsSpan(at, 512);
                if (vad.IsSpeech(window))
                {
                    values.Add(meter.Periodicity(window));
                }
            }

            var best = 0.0;
            for (var i = 0; i + 10 <= values.Count; i++)
            {
                best = Math.Max(best, values.Skip(i).Take(10).Count(v => v >= 0.7) / 10.0);
            }

            var shares = Thresholds.Select(t => values.Count == 0 ? 0 : values.Count(v => v >= t) / (double)values.Count);
            var sorted = values.Order().ToList();
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{label} | {values.Count} | {string.Join(" / ", shares.Select(s => s.ToString("F2", CultureInfo.InvariantCulture)))} | {best:F1} | {(sorted.Count > 0 ? sorted[sorted.Count / 2] : 0):F2}"));
        }

        return 0;
    }
}
