using System.CommandLine;
using VoiceAgent.Harness.Cli;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Harness.Phone;

/// <summary>Defines <c>phone</c>: one phone call as a carrier would place it, from a WAV file, without a phone number.</summary>
public static class PhoneCommand
{
    public static Command Create()
    {
        var url = CommonOptions.Url();
        url.Description = "The service's phone stream, e.g. ws://127.0.0.1:8080/telephony/twilio/stream (the carrier's path).";
        var token = CommonOptions.Token();
        var carrier = new Option<string>("--carrier") { Description = "twilio, telnyx or vonage.", DefaultValueFactory = _ => "twilio" };
        var wav = new Option<string>("--wav") { Description = "PCM16 WAV file the caller says (converted to the carrier's format).", Required = true };
        var save = new Option<string?>("--save") { Description = "Save what the caller heard to this WAV file." };
        var from = new Option<string>("--from") { Description = "The caller's number (names the conversation by default).", DefaultValueFactory = _ => "+15550100" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the answer.", DefaultValueFactory = _ => 30 };
        var command = new Command("phone", "One phone call as a carrier places it: converts the WAV to the carrier's audio, paces it in real time, answers marks as the carrier would, then hangs up once the answer has played. Prints end of speech → first audio.")
        {
            url, token, carrier, wav, save, from, timeout,
        };
        CommonOptions.Check(carrier, v => v is "twilio" or "telnyx" or "vonage", "--carrier must be twilio, telnyx or vonage.");

        command.SetAction(async (parse, ct) => await CommonOptions.RunAsync(async () =>
        {
            var name = parse.GetRequiredValue(carrier);
            var rate = name == "vonage" ? 16000 : 8000;
            var key = parse.GetValue(token);
            var target = PhoneLine.StreamUrl(CommonOptions.ParseUrl(parse.GetRequiredValue(url)), name, key);
            var question = PhoneLine.ToLineRate(WavFile.Read(parse.GetRequiredValue(wav)), rate);
            await using var line = await PhoneLine.ConnectAsync(target, name, rate, ct);
            var receiving = line.ReceiveAsync(ct);
            await line.StartAsync(parse.GetRequiredValue(from), "CA" + Guid.NewGuid().ToString("N"), name == "twilio" ? key : null);

            // The caller speaks, then the line carries silence until the answer has played (or the timeout).
            var frame = rate / 50;
            var silence = new short[frame];
            var sent = 0L;
            double? speechEnd = null;
            var limit = TimeSpan.FromSeconds(parse.GetValue(timeout));
            for (var i = 0; ; i++)
            {
                var off = i * frame;
                await line.SendFrameAsync(off < question.Length ? question.AsSpan(off, Math.Min(frame, question.Length - off)) : silence);
                sent++;
                if (off >= question.Length)
                {
                    speechEnd ??= line.Now;
                    var answered = line.FirstAudioAt is not null && !line.Playing && line.Now - line.LastActivityAt > 1500;
                    if (answered || line.Now - speechEnd > limit.TotalMilliseconds || receiving.IsCompleted)
                    {
                        break;
                    }
                }

                var due = sent * 20.0;
                if (due > line.Now)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(due - line.Now), ct);
                }
            }

            await line.HangUpAsync(ct);
            await receiving.WaitAsync(TimeSpan.FromSeconds(10), ct).ContinueWith(_ => { }, TaskScheduler.Default);
            if (line.FirstAudioAt is not { } first)
            {
                throw new HarnessException($"no answer within {limit.TotalSeconds:F0} s");
            }

            var heard = line.Heard;
            Console.WriteLine($"{name}: end of speech → first audio {first - speechEnd!.Value:F0} ms (includes the service's end-of-turn silence); heard {heard.Length / (double)rate:F1} s; marks {line.Marks}; clears {line.Clears}");
            if (parse.GetValue(save) is { } path)
            {
                await File.WriteAllBytesAsync(path, WavFile.Write(new AudioChunk(Pcm16.ToBytes(heard), AudioFormat.Pcm16Mono(rate))), ct);
                Console.WriteLine($"saved what the caller heard to {path}");
            }

            return 0;
        }));
        return command;
    }
}
