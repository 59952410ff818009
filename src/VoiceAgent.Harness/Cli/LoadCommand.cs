using System.CommandLine;
using Spectre.Console;
using VoiceAgent.Harness.Load;

namespace VoiceAgent.Harness.Cli;

/// <summary>Defines <c>load</c>: N concurrent real-time calls from one process, with frame lag and voice-to-voice percentiles.</summary>
public static class LoadCommand
{
    public static Command Create()
    {
        var url = CommonOptions.Url();
        var token = CommonOptions.Token();
        var wav = new Option<string>("--wav") { Description = "PCM16 WAV file each call speaks in a loop (converted to 16 kHz mono).", Required = true };
        var calls = new Option<int>("--calls") { Description = "Number of concurrent calls.", DefaultValueFactory = _ => 10 };
        var duration = new Option<double>("--duration") { Description = "Seconds the calls keep speaking before they say is_close.", DefaultValueFactory = _ => 30 };
        var ramp = new Option<double>("--ramp") { Description = "Seconds over which call starts are spread evenly (0: all at once).", DefaultValueFactory = _ => 0 };
        var frameMs = new Option<int>("--frame-ms") { Description = "Audio per JSON frame, 20..40 ms (browsers send 20; 40 halves the frames per second on both sides).", DefaultValueFactory = _ => 20 };
        var plain = new Option<bool>("--plain") { Description = "Plain progress lines instead of the live table (automatic when output is not a terminal)." };
        var carrier = new Option<string?>("--carrier") { Description = "twilio, telnyx or vonage: each call is that carrier's phone stream (--url is the carrier's stream path, e.g. ws://127.0.0.1:8080/telephony/twilio/stream), 20 ms frames, marks echoed as the line plays them." };
        var json = new Option<bool>("--json") { Description = "Print only the machine-readable summary (JSON) on stdout; progress goes to stderr." };

        var command = new Command("load", "N concurrent calls, each speaking the WAV at real-time pace in 20 ms (or --frame-ms) frames in a loop (speech, 1.5 s silence, silence until the agent's turn ends) and listening. Reports frame lag (how late each frame was sent against its real-time schedule: a server that does not keep up reading applies TCP backpressure), voice-to-voice latency, turns, errors and dropped calls. Exit code 1 when a call was dropped or failed to connect.")
        {
            url, wav, calls, duration, ramp, frameMs, token, carrier, plain, json,
        };
        CommonOptions.Check(carrier, v => v is null or "twilio" or "telnyx" or "vonage", "--carrier must be twilio, telnyx or vonage.");
        CommonOptions.Check(calls, v => v >= 1, "--calls must be at least 1.");
        CommonOptions.Check(duration, v => v > 0, "--duration must be positive.");
        CommonOptions.Check(ramp, v => v >= 0, "--ramp cannot be negative.");
        CommonOptions.Check(frameMs, v => v is >= 20 and <= 40, "--frame-ms must be 20..40.");

        command.SetAction(async (parse, ct) => await CommonOptions.RunAsync(async () =>
        {
            var options = new LoadOptions
            {
                Url = CommonOptions.ParseUrl(parse.GetRequiredValue(url)),
                WavPath = parse.GetRequiredValue(wav),
                Calls = parse.GetValue(calls),
                Duration = TimeSpan.FromSeconds(parse.GetValue(duration)),
                Ramp = TimeSpan.FromSeconds(parse.GetValue(ramp)),
                FrameMs = parse.GetValue(frameMs),
                Token = parse.GetValue(token),
                Carrier = parse.GetValue(carrier),
            };
            var asJson = parse.GetValue(json);
            var isPlain = asJson || parse.GetValue(plain) || Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive;
            var summary = await LoadProgress.RunAsync(new LoadRunner(options, TimeProvider.System), options, isPlain, asJson ? Console.Error : Console.Out, TimeProvider.System, ct);
            if (asJson)
            {
                Console.WriteLine(summary.ToJson());
            }
            else
            {
                LoadProgress.PrintSummary(AnsiConsole.Console, summary);
            }

            return summary.DroppedCalls + summary.ConnectFailures > 0 ? 1 : 0;
        }));
        return command;
    }
}
