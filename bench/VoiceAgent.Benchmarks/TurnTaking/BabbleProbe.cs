using System.Globalization;
using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Asr;
using VoiceAgent.Pipeline.Turns.Detection;
using VoiceAgent.Providers.Embedded.PocketSphinx;

namespace VoiceAgent.Benchmarks.TurnTaking;

/// <summary>
/// The embedded recogniser's confidence in its finals over a part of the turn-taking sets, in process: babble (the
/// part's clip and level, plus other stretches of it at other levels), the questions clean and in the part's pink
/// noise at 10/5/0 dB, the pause sentences, backchannels and interruptions. Prints each final with its confidences and
/// a sweep of the low-confidence gate's threshold. Usage: <c>babble-probe [tune|heldout|fresh|unseen]</c>.
/// </summary>
public static class BabbleProbe
{
    private static readonly double[] Thresholds = [0.3, 0.35, 0.4, 0.45, 0.5, 0.6];
    private static readonly int[] MinWords = [1, 4, 6, 8];

    public static async Task<int> RunAsync(string[] args)
    {
        var part = args.Length > 1 ? args[1] : "tune";
        var noises = await NoiseMaker.MakeAsync();
        var clips = new List<(string Kind, string Label, Clip Clip)>();
        var level = TurnSets.Noises(part)[0].Dbfs;
        var babble = noises["babble"];
        foreach (var (offsetMs, dbfs) in new[] { (0, level), (0, level - 5), (0, level + 5), (1000, level), (2000, level - 3), (3000, level + 3) })
        {
            var shifted = new Clip([.. babble.Loop(babble.Ms + offsetMs).Samples.Skip(offsetMs * Clip.Rate / 1000)]).AtLevel(dbfs);
            clips.Add(("babble", $"babble from {offsetMs} ms at {dbfs} dBFS", Clip.Concat(Clip.Silence(300), shifted, Clip.Silence(600))));
        }

        var voices = TurnSets.Voices(part);
        var bed = noises[part == "heldout" ? "pink2" : "pink"];
        foreach (var voice in voices)
        {
            foreach (var q in TurnSets.Questions(part))
            {
                var clip = await SayAsync(q, voice);
                clips.Add(("clean", $"{voice}: {q}", Clip.Concat(Clip.Silence(300), clip, Clip.Silence(600))));
                foreach (var snr in TurnSets.SnrDb)
                {
                    // As the service hears it: the turn starts in the noise ~0.5 s before the question and ends ~0.6 s after it.
                    var noise = bed.Loop(clip.Ms + 1100).AtLevel((20 * Math.Log10(clip.Rms() / 32768)) - snr);
                    clips.Add(($"snr{snr}", $"{voice}: {q} at {snr} dB", noise.Mix(clip, 500)));
                }
            }
        }

        var n = 0;
        foreach (var (first, second) in TurnSets.Pauses(part))
        {
            var voice = voices[n++ % voices.Length];
            clips.Add(("clean", $"{voice}: {first} {second}", Clip.Concat(Clip.Silence(300), await SayAsync($"{first} {second}", voice), Clip.Silence(600))));
        }

        n = 0;
        foreach (var text in TurnSets.Backchannels(part).Concat(TurnSets.Interruptions(part)))
        {
            var voice = voices[n++ % voices.Length];
            clips.Add(("short", $"{voice}: {text}", Clip.Concat(Clip.Silence(300), await SayAsync(text, voice), Clip.Silence(600))));
        }

        using var client = new PocketSphinxSpeechToTextClient(new PocketSphinxOptions { MaxDecoders = 1 });
        Console.WriteLine($"# babble-probe {part}, {clips.Count} clips, load average {Percentiles.LoadAverage()}");
        Console.WriteLine("kind | clip | heard | words | mean word posterior (the gate's confidence) | lowest word posterior | hypothesis posterior");
        var rows = new List<(string Kind, int Words, double Mean)>();
        foreach (var (kind, label, clip) in clips)
        {
            // A new options instance per clip: each clip is the first turn of its own call.
            var response = await client.GetTextAsync(new MemoryStream(clip.ToBytes()), new SpeechToTextOptions());
            var mean = SpeechToTextConfidence.Read(response.AdditionalProperties) ?? double.NaN;
            var min = Number(response.AdditionalProperties, "min_word_posterior");
            var utterance = Number(response.AdditionalProperties, "utterance_posterior");
            var words = UtteranceText.HasWords(response.Text) ? response.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length : 0;
            rows.Add((kind, words, mean));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{kind} | {label} | \"{response.Text}\" | {words} | {mean:F3} | {min:F3} | {utterance:F3}"));
        }

        // Only finals with words matter: a wordless final is dropped already.
        Console.WriteLine();
        Console.WriteLine("MinConfidence | MinWords | finals with words dropped (mean word posterior below MinConfidence and at least MinWords words): " + string.Join(" | ", Kinds(rows)));
        foreach (var words in MinWords)
        {
            foreach (var t in Thresholds)
            {
                var cells = Kinds(rows).Select(k =>
                {
                    var mine = rows.Where(r => r.Kind == k && r.Words > 0).ToList();
                    return $"{mine.Count(r => r.Mean < t && r.Words >= words)}/{mine.Count}";
                });
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{t:F2} | {words} | {string.Join(" | ", cells)}"));
            }
        }

        Console.WriteLine($"# done, load average {Percentiles.LoadAverage()}");
        return 0;
    }

    private static IEnumerable<string> Kinds(List<(string Kind, int Words, double Mean)> rows) => rows.Select(r => r.Kind).Distinct();

    private static double Number(AdditionalPropertiesDictionary? properties, string key) =>
        properties?.TryGetValue(key, out double value) == true ? value : double.NaN;

    private static async Task<Clip> SayAsync(string text, string voice) => Clip.FromBytes(await Speech.FliteAsync(text, default, voice)).Trim();
}
