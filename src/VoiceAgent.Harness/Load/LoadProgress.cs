using System.Globalization;
using Spectre.Console;

namespace VoiceAgent.Harness.Load;

/// <summary>Shows a load run's live totals: a Spectre.Console live table on a terminal, a line every 5 s otherwise.</summary>
public static class LoadProgress
{
    public static async Task<LoadSummary> RunAsync(LoadRunner runner, LoadOptions options, bool plain, TextWriter plainOutput, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(plainOutput);
        ArgumentNullException.ThrowIfNull(time);
        var started = time.GetTimestamp();
        var run = runner.RunAsync(cancellationToken);
        if (plain)
        {
            while (!run.IsCompleted)
            {
                await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(5), cancellationToken));
                await plainOutput.WriteLineAsync(Line(runner.Counters, options, time.GetElapsedTime(started)));
            }

            return await run;
        }

        var table = new Table().AddColumn("elapsed").AddColumn("active").AddColumn("turns").AddColumn("frames").AddColumn("late >20 ms").AddColumn("errors").AddColumn("dropped").AddColumn("connect failed");
        await AnsiConsole.Live(table).StartAsync(async ctx =>
        {
            while (!run.IsCompleted)
            {
                var c = runner.Counters;
                table.Rows.Clear();
                table.AddRow(
                    $"{(time.GetElapsedTime(started)).TotalSeconds:F0}/{options.Duration.TotalSeconds:F0} s",
                    $"{c.Active}/{options.Calls}", N(c.Turns), N(c.Frames), N(c.LateFrames), N(c.Errors), N(c.Dropped), N(c.ConnectFailed));
                ctx.Refresh();
                await Task.WhenAny(run, Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken));
            }
        });
        return await run;
    }

    public static void PrintSummary(IAnsiConsole console, LoadSummary s)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(s);
        var table = new Table().Title($"{s.Calls} calls, {s.DurationSeconds:F0} s").AddColumn("").AddColumn("p50").AddColumn("p95").AddColumn("p99").AddColumn("max").AddColumn("samples");
        void Row(string name, Percentiles p) => table.AddRow(name, F(p.P50), F(p.P95), F(p.P99), F(p.Max), N(p.Count));
        Row("frame lag (ms)", s.FrameLagMs);
        Row("voice-to-voice (ms)", s.VoiceToVoiceMs);
        Row("server first audio (ms)", s.ServerFirstAudioMs);
        console.Write(table);
        console.WriteLine($"turns completed {s.TurnsCompleted}, worst call's p95 frame lag {s.WorstCallFrameLagP95Ms:F1} ms, error frames {s.ErrorFrames}, dropped calls {s.DroppedCalls}, connect failures {s.ConnectFailures}");
        foreach (var f in s.Failures)
        {
            console.WriteLine("  " + f);
        }
    }

    private static string Line(LoadCounters c, LoadOptions o, TimeSpan elapsed) => string.Create(CultureInfo.InvariantCulture,
        $"{elapsed.TotalSeconds,5:F0}s active {c.Active}/{o.Calls} turns {c.Turns} frames {c.Frames} late>20ms {c.LateFrames} errors {c.Errors} dropped {c.Dropped} connect-failed {c.ConnectFailed}");

    private static string N(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("F1", CultureInfo.InvariantCulture);
}
