using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Harness.Load;

namespace VoiceAgent.Api.Tests.Harness;

/// <summary>The harness's <c>load</c> logic against the real service with the instant engines (VAD stays WebRTC).</summary>
public sealed class HarnessLoadTests
{
    private static readonly Dictionary<string, string?> InstantEngines = new()
    {
        ["VoiceAgent:Asr:Provider"] = "Instant",
        ["VoiceAgent:Llm:Provider"] = "Instant",
        ["VoiceAgent:Tts:Provider"] = "Instant",
    };

    [Fact]
    public async Task Three_calls_for_five_seconds_complete_turns_and_none_is_dropped()
    {
        await using var host = await ServiceHost.StartAsync(InstantEngines);
        var dir = Directory.CreateTempSubdirectory("va-load-");
        try
        {
            var wav = Path.Combine(dir.FullName, "question.wav");
            await File.WriteAllBytesAsync(wav, TestAudio.FliteWav("What time is it?"));
            var options = new LoadOptions { Url = host.WebSocketUri("/chat/voice_call"), WavPath = wav, Calls = 3, Duration = TimeSpan.FromSeconds(5), Token = "test-key" };

            var summary = await new LoadRunner(options).RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

            summary.DroppedCalls.ShouldBe(0, string.Join("; ", summary.Failures));
            summary.ConnectFailures.ShouldBe(0);
            summary.TurnsCompleted.ShouldBeGreaterThan(0);
            summary.FramesSent.ShouldBeGreaterThan(0);
            summary.VoiceToVoiceMs.Count.ShouldBeGreaterThan(0);
            summary.ToJson().ShouldContain("\"frame_lag_ms\"");
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Theory]
    [InlineData("twilio")]
    [InlineData("telnyx")]
    [InlineData("vonage")]
    public async Task Phone_calls_through_a_carriers_stream_complete_turns_and_hang_up_cleanly(string carrier)
    {
        await using var host = await ServiceHost.StartAsync(InstantEngines);
        var dir = Directory.CreateTempSubdirectory("va-load-");
        try
        {
            var wav = Path.Combine(dir.FullName, "question.wav");
            await File.WriteAllBytesAsync(wav, TestAudio.FliteWav("What time is it?"));
            var options = new LoadOptions
            {
                Url = host.WebSocketUri($"/telephony/{carrier}/stream"), WavPath = wav, Calls = 2, Duration = TimeSpan.FromSeconds(6), Token = "test-key", Carrier = carrier,
            };

            var summary = await new LoadRunner(options).RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(90));

            summary.DroppedCalls.ShouldBe(0, string.Join("; ", summary.Failures));
            summary.ConnectFailures.ShouldBe(0);
            summary.TurnsCompleted.ShouldBeGreaterThan(0, "a reply was heard after the question");
            summary.VoiceToVoiceMs.Count.ShouldBe(summary.TurnsCompleted);
            summary.FramesSent.ShouldBeGreaterThan(100, "20 ms frames for seconds");
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void Percentiles_use_the_nearest_rank()
    {
        var p = Percentiles.Of([.. Enumerable.Range(1, 100).Select(i => (double)i)]);

        p.P50.ShouldBe(50);
        p.P95.ShouldBe(95);
        p.P99.ShouldBe(99);
        p.Max.ShouldBe(100);
        Percentiles.Of([]).Count.ShouldBe(0);
    }
}
