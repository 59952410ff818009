using Spectre.Console;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Harness;
using VoiceAgent.Harness.Call;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Api.Tests.Harness;

/// <summary>The harness's <c>call</c> logic against the real service and its embedded engines.</summary>
public sealed class HarnessCallTests
{
    [Fact]
    public async Task Call_from_a_wav_prints_captions_reports_latency_and_saves_the_reply()
    {
        await using var host = await ServiceHost.StartAsync();
        var dir = Directory.CreateTempSubdirectory("va-harness-");
        try
        {
            var wav = Path.Combine(dir.FullName, "question.wav");
            var save = Path.Combine(dir.FullName, "reply.wav");
            await File.WriteAllBytesAsync(wav, TestAudio.FliteWav("What time is it?"));
            var captions = new StringWriter();
            var options = new CallOptions { Url = host.WebSocketUri("/chat/voice_call"), WavPath = wav, SavePath = save, Fast = true, Token = "test-key", TurnTimeout = ServiceHost.Timeout };

            var report = await WavCallRunner.RunAsync(options, new LiveCaptions(captions, interactive: false), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

            report.ClosedNormally.ShouldBeTrue();
            var text = captions.ToString();
            text.ShouldContain("you: ");
            text.ShouldContain("agent: ");
            report.Turns.Count.ShouldBeGreaterThanOrEqualTo(1);
            report.Turns[0].Server.ShouldNotBeNull().FirstAudio.ShouldNotBeNull();
            report.Turns[0].VoiceToVoiceMs.ShouldNotBeNull();

            var table = new StringWriter();
            CallReportPrinter.PrintTurns(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(table), Ansi = AnsiSupport.No }), report.Turns);
            table.ToString().ShouldContain("v2v");
            table.ToString().ShouldContain(report.Turns[0].TurnId.ToString(System.Globalization.CultureInfo.InvariantCulture));

            var reply = WavFile.Read(save);
            reply.Data.Length.ShouldBeGreaterThan(0);
            Pcm16.Rms(Pcm16.AsSamples(reply.Data.Span)).ShouldBeGreaterThan(100, "the saved reply is silent");
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public async Task Call_to_a_port_nobody_listens_on_fails_with_a_clear_message()
    {
        var dir = Directory.CreateTempSubdirectory("va-harness-");
        try
        {
            var wav = Path.Combine(dir.FullName, "q.wav");
            await File.WriteAllBytesAsync(wav, WavFile.Write(new AudioChunk(new byte[3200], AudioFormat.Pcm16Mono16k)));
            var options = new CallOptions { Url = new Uri("ws://127.0.0.1:1/chat/voice_call"), WavPath = wav, ConnectTimeout = TimeSpan.FromSeconds(5) };

            var ex = await Should.ThrowAsync<HarnessException>(() => WavCallRunner.RunAsync(options, null, CancellationToken.None).WaitAsync(ServiceHost.Timeout));

            ex.Message.ShouldContain("Cannot connect");
        }
        finally
        {
            dir.Delete(true);
        }
    }
}
