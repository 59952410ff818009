using System.Globalization;
using VoiceAgent.Providers.Embedded.Silero;

namespace VoiceAgent.Benchmarks.TurnTaking;

/// <summary>
/// What Silero VAD v5 makes of the turn-taking sets, window by window, in process: for each clip the share of windows
/// at or over the activation threshold, the longest run of them, their mean probability, and the window levels. Used to
/// see why a noise starts a turn or a quiet question is missed, without a service. Usage: <c>vad-probe [tune|heldout]</c>.
/// </summary>
public static class VadProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        var part = args.Length > 1 ? args[1] : "tune";
        var noises = await NoiseMaker.MakeAsync();
        using var model = SileroModel.Load(new SileroVadOptions().ResolvedModelPath);
        var clips = TurnSets.NoiseClips(part, noises);

        foreach (var voice in TurnSets.Voices(part))
        {
            foreach (var q in TurnSets.Questions(part).Take(2))
            {
                clips.Add(($"{voice}: {q}", await SayAsync(q, voice)));
            }

            foreach (var bc in TurnSets.Backchannels(part))
            {
                clips.Add(($"{voice}: \"{bc}\"", await SayAsync(bc, voice)));
            }
        }

        Console.WriteLine($"# vad-probe {part}, load average {Percentiles.LoadAverage()}");
        Console.WriteLine("clip | windows | p>=0.5 | longest run | mean p (>=0.5) | clip dBFS | loudest window dBFS | window dBFS p10/p50/p90 | gated windows | decisions changed by the gate | level spread of the first 16 speech windows (max-min dB)");
        long allWindows = 0, allGated = 0, allChanged = 0;
        foreach (var (label, clip) in clips)
        {
            using var vad = new SileroVoiceActivityDetector(model, Clip.Rate);
            using var gated = new SileroVoiceActivityDetector(model, Clip.Rate, energyGateDbfs: new SileroVadOptions().EnergyGateDbfs);
            var changed = 0;
            var probs = new List<float>();
            var levels = new List<double>();
            var padded = Clip.Concat(Clip.Silence(300), clip, Clip.Silence(300)).Samples;
            for (var at = 0; at + 512 <= padded.Length; at += 512)
            {
                var window = padded.AsSpan(at, 512);
                changed += vad.IsSpeech(window) != gated.IsSpeech(window) ? 1 : 0;
                probs.Add(vad.Probability);
                levels.Add(Dbfs(window));
            }

            int run = 0, longest = 0;
            foreach (var p in probs)
            {
                run = p >= 0.5 ? run + 1 : 0;
                longest = Math.Max(longest, run);
            }

            var over = probs.Where(p => p >= 0.5).ToList();
            var onset = probs.FindIndex(p => p >= 0.5);
            var first = onset < 0 ? [] : levels.Skip(onset).Take(16).ToList();
            var spread = first.Count == 0 ? 0 : first.Max() - first.Min();
            var sorted = levels.Order().ToList();
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{label} | {probs.Count} | {over.Count} | {longest} | {(over.Count > 0 ? over.Average() : 0):F2} | {20 * Math.Log10(clip.Rms() / 32768):F1} | {sorted[^1]:F1} | {sorted[sorted.Count / 10]:F1}/{sorted[sorted.Count / 2]:F1}/{sorted[sorted.Count * 9 / 10]:F1} | {gated.GatedWindows} | {changed} | {spread:F1}"));
            allWindows += probs.Count;
            allGated += gated.GatedWindows;
            allChanged += changed;
        }

        Console.WriteLine($"energy gate at {new SileroVadOptions().EnergyGateDbfs} dBFS: {allGated} of {allWindows} windows skipped the model, {allChanged} decisions changed");

        return 0;
    }

    internal static double Dbfs(ReadOnlySpan<short> window)
    {
        double sum = 0;
        foreach (var s in window)
        {
            sum += (double)s * s;
        }

        return 10 * Math.Log10(Math.Max(1e-10, sum / window.Length / (32768.0 * 32768.0)));
    }

    private static async Task<Clip> SayAsync(string text, string voice) => Clip.FromBytes(await Speech.FliteAsync(text, default, voice)).Trim();
}
