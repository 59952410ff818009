namespace VoiceAgent.Benchmarks.TurnTaking;

/// <summary>The benchmark's table: one row per configuration and part.</summary>
public static class TurnSummary
{
    public const string Header =
        "| configuration | part | false cut-offs (0.8 s pauses) | end of question → first audio p50 / p95 ms | turns started by noise | questions missed in noise 10 / 5 / 0 dB | false interruptions (backchannels) | real interruption → agent silent p50 / p95 ms (missed) | real interruption → `interrupt` p50 / p95 ms |\n"
        + "|---|---|---|---|---|---|---|---|---|";

    public static string Row(string name, string part, IReadOnlyList<CaseResult> results)
    {
        string Rate(string category)
        {
            var valid = results.Where(r => r.Category == category && r.Heard).ToList();
            var excluded = results.Count(r => r.Category == category && !r.Heard);
            return $"{valid.Count(r => r.Hit)}/{valid.Count}" + (excluded > 0 ? $" ({excluded} n/a)" : "");
        }

        string P(string category, bool interrupt = false)
        {
            var ms = Percentiles.Sorted(results.Where(r => r.Category == category && (interrupt ? r.InterruptMs : r.Ms) is not null).Select(r => (interrupt ? r.InterruptMs : r.Ms)!.Value));
            return ms.Count == 0 ? "–" : $"{Percentiles.F(Percentiles.Of(ms, 50), 0)} / {Percentiles.F(Percentiles.Of(ms, 95), 0)}";
        }

        var questions = results.Where(r => r.Category == "question").ToList();
        var unanswered = questions.Count(r => !r.Hit);
        var interruptions = results.Where(r => r.Category == "interruption" && r.Heard).ToList();
        return $"| {name} | {part} | {Rate("pause")} | {P("question")}{(unanswered > 0 ? $" ({unanswered} unanswered)" : "")} | {Rate("noise")} | {Rate("snr10")} / {Rate("snr5")} / {Rate("snr0")} | {Rate("backchannel")} | {P("interruption")} ({interruptions.Count(r => !r.Hit)}/{interruptions.Count}) | {P("interruption", interrupt: true)} |";
    }
}
