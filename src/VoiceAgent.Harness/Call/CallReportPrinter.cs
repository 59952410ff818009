using System.Globalization;
using Spectre.Console;
using VoiceAgent.Harness.Client;

namespace VoiceAgent.Harness.Call;

/// <summary>Prints the per-turn latency table of a call.</summary>
public static class CallReportPrinter
{
    public static void PrintTurns(IAnsiConsole console, IReadOnlyList<TurnResult> turns)
    {
        ArgumentNullException.ThrowIfNull(console);
        var table = new Table().Title("Latency per turn (ms)")
            .AddColumn("turn").AddColumn(new TableColumn("asr final").RightAligned()).AddColumn(new TableColumn("llm token").RightAligned())
            .AddColumn(new TableColumn("1st audio").RightAligned()).AddColumn(new TableColumn("v2v").RightAligned())
            .AddColumn(new TableColumn("reply").RightAligned()).AddColumn("you said");
        foreach (var t in turns)
        {
            table.AddRow(
                t.TurnId.ToString(CultureInfo.InvariantCulture) + (t.Interrupted ? " (interrupted)" : ""),
                Ms(t.Server?.AsrFinal), Ms(t.Server?.LlmFirstToken), Ms(t.Server?.FirstAudio), Ms(t.VoiceToVoiceMs), Ms(t.AgentAudioMs),
                Markup.Escape(t.UserText));
        }

        console.Write(table);
        console.WriteLine("asr final, llm token, 1st audio: the server's turn_end latency_ms (from the end of speech its VAD saw); v2v: client-measured, end of your speech in audio time → first agent audio byte received; reply: agent audio length.");
    }

    private static string Ms(double? value) => value is { } v ? v.ToString("F0", CultureInfo.InvariantCulture) : "-";
}
