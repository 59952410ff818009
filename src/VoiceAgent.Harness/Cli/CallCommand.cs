using System.CommandLine;
using Spectre.Console;
using VoiceAgent.Harness.Call;

namespace VoiceAgent.Harness.Cli;

/// <summary>Defines <c>call</c>: one voice call from a WAV file or the microphone, with live captions and a latency table.</summary>
public static class CallCommand
{
    public static Command Create()
    {
        var url = CommonOptions.Url();
        var token = CommonOptions.Token();
        var wav = new Option<string?>("--wav") { Description = "PCM16 WAV file to speak (any rate and channel count; converted to 16 kHz mono)." };
        var mic = new Option<bool>("--mic") { Description = "Speak from the default microphone (PortAudio, libportaudio2) until Ctrl+C instead of a WAV file." };
        var play = new Option<bool>("--play") { Description = "With --mic: play the agent's speech on the default speakers (PortAudio)." };
        var save = new Option<string?>("--save") { Description = "Save what the agent said (the binary PCM received) to this WAV file." };
        var session = new Option<string?>("--session") { Description = "Session id (names the conversation and its history); default: a new random id." };
        var fast = new Option<bool>("--fast") { Description = "Send the WAV as fast as the socket takes it instead of at real-time pace." };
        var turns = new Option<int>("--turns") { Description = "With --wav: speak the WAV this many times, waiting for each answer.", DefaultValueFactory = _ => 1 };
        var frameMs = new Option<int>("--frame-ms") { Description = "Audio per JSON frame, 20..40 ms.", DefaultValueFactory = _ => 20 };
        var silence = new Option<int>("--silence-ms") { Description = "Silence sent after the WAV so the server's VAD hears the end of the turn.", DefaultValueFactory = _ => 1500 };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for each answer and for the close.", DefaultValueFactory = _ => 30 };

        var command = new Command("call", "One voice call over /chat/voice_call: speaks a WAV (or the microphone), prints live captions and a per-turn latency table, says is_close and waits for close 1000. Exit code 1 on any error or abnormal close.")
        {
            url, wav, mic, play, save, session, token, fast, turns, frameMs, silence, timeout,
        };
        command.Validators.Add(r =>
        {
            var hasWav = r.GetValue(wav) is not null;
            var hasMic = r.GetValue(mic);
            if (hasWav == hasMic)
            {
                r.AddError("Give exactly one of --wav FILE or --mic.");
            }

            if (r.GetValue(play) && !hasMic)
            {
                r.AddError("--play works with --mic only.");
            }
        });
        CommonOptions.Check(frameMs, v => v is >= 20 and <= 40, "--frame-ms must be 20..40.");
        CommonOptions.Check(turns, v => v >= 1, "--turns must be at least 1.");
        CommonOptions.Check(timeout, v => v >= 1, "--timeout must be at least 1 second.");

        command.SetAction(async (parse, ct) => await CommonOptions.RunAsync(async () =>
        {
            var options = new CallOptions
            {
                Url = CommonOptions.ParseUrl(parse.GetRequiredValue(url)),
                WavPath = parse.GetValue(wav),
                SavePath = parse.GetValue(save),
                SessionId = parse.GetValue(session) ?? "harness-" + Guid.NewGuid().ToString("N")[..8],
                Token = parse.GetValue(token),
                Fast = parse.GetValue(fast),
                Turns = parse.GetValue(turns),
                FrameMs = parse.GetValue(frameMs),
                TrailingSilenceMs = parse.GetValue(silence),
                TurnTimeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
            };
            var interactive = !Console.IsOutputRedirected;
            var captions = new LiveCaptions(Console.Out, interactive);
            Console.WriteLine($"session {options.SessionId} → {options.Url}");
            var report = parse.GetValue(mic)
                ? await MicCallRunner.RunAsync(options, parse.GetValue(play), captions, Console.Out, ct)
                : await WavCallRunner.RunAsync(options, captions, ct);
            CallReportPrinter.PrintTurns(AnsiConsole.Console, report.Turns);
            if (options.SavePath is not null)
            {
                Console.WriteLine($"saved {report.AgentAudio.Length / 2.0 / report.AgentSampleRate:F1} s of agent speech to {options.SavePath}");
            }

            return 0;
        }));
        return command;
    }
}
