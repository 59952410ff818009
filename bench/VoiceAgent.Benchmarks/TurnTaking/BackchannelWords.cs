using System.Text.Json;
using VoiceAgent.Pipeline.Turns.Detection;

namespace VoiceAgent.Benchmarks.TurnTaking;

/// <summary>
/// How the interruption rule reads what the recogniser heard: for each line <c>voice | said | {"text": heard}</c> (the
/// output of <c>bench/backchannel-asr.sh</c>), the real words of the final transcript, and per part (tune voices slt
/// and rms, held-out awb and kal) how many backchannels would interrupt and how many real interruptions would not.
/// Usage: <c>backchannel-words FILE</c>.
/// </summary>
public static class BackchannelWords
{
    private static readonly string[] Interruptions = ["stop", "wait", "no", "hold on", "stop please", "wait a moment", "what time is it", "no that's wrong", "excuse me", "sorry", "actually"];

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 2)
        {
            await Console.Error.WriteLineAsync("usage: backchannel-words FILE");
            return 2;
        }

        var rows = new List<(string Part, bool Backchannel, string Line, int Real)>();
        foreach (var line in await File.ReadAllLinesAsync(args[1]))
        {
            var cells = line.Split(" | ", 3);
            if (cells.Length < 3)
            {
                continue;
            }

            var heard = JsonDocument.Parse(cells[2]).RootElement.TryGetProperty("text", out var t) ? t.GetString() ?? "" : "";
            var part = cells[0] is "slt" or "rms" ? "tune" : "heldout";
            var real = UtteranceText.RealWords(heard);
            rows.Add((part, !Interruptions.Contains(cells[1]), $"{cells[0]} | {cells[1]} | \"{heard}\"", real));
            Console.WriteLine($"{part,-7} {cells[0]} | said \"{cells[1]}\" | heard \"{heard}\" | {real} real word(s)");
        }

        foreach (var part in new[] { "tune", "heldout" })
        {
            var backchannels = rows.Where(r => r.Part == part && r.Backchannel).ToList();
            var interruptions = rows.Where(r => r.Part == part && !r.Backchannel).ToList();
            Console.WriteLine($"{part}: backchannels that would interrupt {backchannels.Count(r => r.Real > 0)}/{backchannels.Count}"
                + (interruptions.Count > 0 ? $", interruptions with no real word {interruptions.Count(r => r.Real == 0)}/{interruptions.Count}" : ""));
        }

        return 0;
    }
}
