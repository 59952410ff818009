using System.Globalization;

namespace VoiceAgent.Benchmarks.TurnTaking;

/// <summary>
/// The turn-taking benchmark against a running service: mid-sentence pauses, complete questions, noise only, speech in
/// noise, backchannels and real interruptions over the agent's speech, each case on its own call at real-time pace.
/// The sets are made here with flite, espeak-ng and sox (<see cref="TurnSets"/>), in a tune part and a held-out part.
/// </summary>
/// <remarks>Usage: <c>turn-taking --url ws://127.0.0.1:PORT/chat/voice_call [--name NAME] [--parallel 3] [--part all|tune|heldout] [--only pause,question,...] [--table FILE]</c>.</remarks>
public static class TurnTakingBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        Uri? url = null;
        string name = "service", part = "all";
        string? table = null;
        string[]? only = null;
        var parallel = 3;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--url": url = new Uri(args[++i]); break;
                case "--name": name = args[++i]; break;
                case "--parallel": parallel = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--part": part = args[++i]; break;
                case "--table": table = args[++i]; break;
                case "--only": only = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                default: await Console.Error.WriteLineAsync($"unknown argument {args[i]}"); return 2;
            }
        }

        if (url is null)
        {
            await Console.Error.WriteLineAsync("usage: turn-taking --url ws://127.0.0.1:PORT/chat/voice_call [--name NAME] [--parallel N] [--part all|tune|heldout] [--table FILE]");
            return 2;
        }

        var parts = part == "all" ? TurnSets.Parts : [part];
        var cases = new List<Func<Task<CaseResult>>>();
        var categories = new List<string>();
        var noises = await NoiseMaker.MakeAsync();
        foreach (var p in parts)
        {
            var voices = TurnSets.Voices(p);
            var n = 0;
            foreach (var (first, second) in TurnSets.Pauses(p))
            {
                var voice = voices[n++ % voices.Length];
                var a = await SayAsync(first, voice);
                var b = await SayAsync(second, voice);
                categories.Add("pause");
                cases.Add(() => TurnCases.PauseAsync(url, p, a, b, $"{voice}: {first} … {second}"));
            }

            foreach (var q in TurnSets.Questions(p))
            {
                foreach (var voice in voices)
                {
                    var clip = await SayAsync(q, voice);
                    categories.Add("question");
                    cases.Add(() => TurnCases.QuestionAsync(url, p, clip, $"{voice}: {q}"));
                }
            }

            foreach (var (kind, dbfs) in TurnSets.Noises(p))
            {
                var clip = noises[kind].AtLevel(dbfs);
                categories.Add("noise");
                cases.Add(() => TurnCases.NoiseAsync(url, p, clip, $"{kind} {dbfs} dBFS"));
            }

            foreach (var snr in TurnSets.SnrDb)
            {
                foreach (var (q, k) in TurnSets.Questions(p).Take(2).Select((q, k) => (q, k)))
                {
                    var voice = voices[k % voices.Length];
                    var clip = await SayAsync(q, voice);
                    var bed = noises[p == "heldout" ? "pink2" : "pink"];
                    categories.Add("snr");
                    cases.Add(() => TurnCases.SpeechInNoiseAsync(url, p, clip, bed, snr, $"{voice}: {q} at {snr} dB"));
                }
            }

            n = 0;
            foreach (var bc in TurnSets.Backchannels(p))
            {
                var voice = voices[n++ % voices.Length];
                var ask = await SayAsync(TurnSets.LongReplyQuestion, voice);
                var clip = await SayAsync(bc, voice);
                categories.Add("backchannel");
                cases.Add(() => TurnCases.OverlayAsync(url, p, ask, clip, backchannel: true, $"{voice}: \"{bc}\""));
            }

            n = 0;
            foreach (var q in TurnSets.Interruptions(p))
            {
                var voice = voices[n++ % voices.Length];
                var ask = await SayAsync(TurnSets.LongReplyQuestion, voice);
                var clip = await SayAsync(q, voice);
                categories.Add("interruption");
                cases.Add(() => TurnCases.OverlayAsync(url, p, ask, clip, backchannel: false, $"{voice}: \"{q}\""));
            }
        }

        if (only is not null)
        {
            var keep = cases.Where((_, i) => only.Contains(categories[i])).ToList();
            cases = keep;
        }

        var load = Percentiles.LoadAverage();
        var started = DateTime.UtcNow;
        var results = new CaseResult[cases.Count];
        using var gate = new SemaphoreSlim(parallel);
        await Task.WhenAll(cases.Select(async (c, i) =>
        {
            await gate.WaitAsync();
            try
            {
                results[i] = await c();
            }
            catch (Exception ex)
            {
                results[i] = new CaseResult("error", "", ex.GetType().Name, false, false, Detail: ex.Message);
            }
            finally
            {
                gate.Release();
            }
        }));

        Console.WriteLine($"turn-taking \"{name}\": {cases.Count} cases, {parallel} calls at a time, {(DateTime.UtcNow - started).TotalSeconds:F0} s; load average before {load}, after {Percentiles.LoadAverage()}");
        foreach (var r in results)
        {
            Console.WriteLine($"  {r.Category,-12} {r.Part,-7} {(r.Heard ? (r.Hit ? "HIT " : "-   ") : "n/a ")} {(r.Ms is { } ms ? $"{ms,6:F0} ms" : "         ")}  {r.Label}  {r.Detail}");
        }

        var rows = new List<string>();
        foreach (var p in parts.Append("all"))
        {
            var mine = results.Where(r => p == "all" || r.Part == p).ToList();
            rows.Add(TurnSummary.Row(name, p, mine));
        }

        Console.WriteLine(TurnSummary.Header);
        rows.ForEach(Console.WriteLine);
        if (table is not null)
        {
            await File.AppendAllLinesAsync(table, rows);
        }

        return results.Any(r => r.Category == "error") ? 1 : 0;
    }

    private static async Task<Clip> SayAsync(string text, string voice) => Clip.FromBytes(await Speech.FliteAsync(text, default, voice)).Trim();
}
