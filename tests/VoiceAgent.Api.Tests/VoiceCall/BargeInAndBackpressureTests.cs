using System.Net.WebSockets;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Api.Tests.VoiceCall;

/// <summary>Barge-in and a client that does not read, on the real host with the embedded engines.</summary>
public sealed class BargeInAndBackpressureTests
{
    private static readonly byte[] Question = TestAudio.FlitePcm("what is twelve times seven", silenceMs: 1000);

    private static Dictionary<string, string?> LongAnswer(int sentences, Dictionary<string, string?>? more = null)
    {
        // The FAQ skill answers first: any question the recogniser hears "twelve" in gets a long, many-sentence answer.
        var settings = new Dictionary<string, string?>
        {
            ["VoiceAgent:Llm:Embedded:Faq:0:Patterns:0"] = "twelve",
            ["VoiceAgent:Llm:Embedded:Faq:0:Answer"] = string.Join(" ", Enumerable.Range(1, sentences).Select(i => $"This is sentence number {i} of the long answer.")),
        };
        foreach (var (k, v) in more ?? [])
        {
            settings[k] = v;
        }

        return settings;
    }

    [Fact]
    public async Task Speaking_over_the_agent_interrupts_it_and_history_keeps_only_what_was_sent()
    {
        await using var host = await ServiceHost.StartAsync(LongAnswer(12), s =>
        {
            // Slow synthesis (0.6 s a sentence) keeps the reply in progress while the user talks over it.
            s.AddSingleton(sp => new CountingTextToSpeechClient(sp.GetRequiredKeyedService<ITextToSpeechClient>("Embedded")) { Delay = TimeSpan.FromMilliseconds(600) });
            s.AddSingleton<ITextToSpeechClient>(sp => sp.GetRequiredService<CountingTextToSpeechClient>());
        });
        await using var call = await VoiceCallClient.ConnectAsync(host);
        await call.StreamAsync("barge", Question);
        await call.WaitForAsync("text");
        var firstTurn = call.Json("text").First().GetProperty("turn_id").GetInt64();

        await call.StreamAsync("barge", TestAudio.FlitePcm("stop please", silenceMs: 1000), seed: 3);
        var interrupt = await call.WaitForAsync("interrupt");
        interrupt.Json!.Value.GetProperty("turn_id").GetInt64().ShouldBe(firstTurn);
        await call.WaitForAsync("turn_end", j => j.GetProperty("turn_id").GetInt64() > firstTurn);

        // After the interrupt, no audio or text of the old turn: the next audio follows a text frame of a newer turn.
        var frames = call.All.ToList();
        var at = frames.IndexOf(interrupt);
        var after = frames.Skip(at + 1).ToList();
        after.Where(r => r.Json is { } j && j.TryGetProperty("turn_id", out _)).ShouldAllBe(r => r.Json!.Value.GetProperty("turn_id").GetInt64() > firstTurn);
        var firstBinary = after.FindIndex(r => r.Binary is not null);
        if (firstBinary >= 0)
        {
            after.Take(firstBinary).ShouldContain(r => r.Json != null && r.Json.Value.GetProperty("type").GetString() == "text");
        }

        var stored = await host.Service<IConversationStore>().GetAsync("barge");
        var heard = string.Join(" ", frames.Take(at).Where(r => r.Json?.GetProperty("type").GetString() == "text").Select(r => r.Json!.Value.GetProperty("msg").GetString()));
        var assistant = stored!.Messages[1];
        assistant.Role.ShouldBe("assistant");
        assistant.Interrupted.ShouldBeTrue();
        assistant.Text.ShouldBe(heard);
        assistant.Text.ShouldNotContain("number 12 of");
    }

    [Fact]
    public async Task A_client_that_stops_reading_is_disconnected_and_server_memory_stays_bounded()
    {
        // Unpaced output (PlaybackLeadMs 0): the reply is sent as fast as it is made, so a client that does not read fills the queue.
        var settings = LongAnswer(200, new() { ["VoiceAgent:VoiceCall:SlowClientTimeout"] = "00:00:01", ["VoiceAgent:VoiceCall:SendQueueFrames"] = "16", ["VoiceAgent:Pipeline:Interruptions:PlaybackLeadMs"] = "0" });
        await using var host = await ServiceHost.StartAsync(settings, s =>
        {
            s.AddSingleton(sp => new CountingTextToSpeechClient(sp.GetRequiredKeyedService<ITextToSpeechClient>("Embedded")));
            s.AddSingleton<ITextToSpeechClient>(sp => sp.GetRequiredService<CountingTextToSpeechClient>());
        });
        var tts = host.Service<CountingTextToSpeechClient>();
        var warmUp = Volatile.Read(ref tts.Calls);
        await using var call = await VoiceCallClient.ConnectAsync(host, read: false);
        await call.StreamAsync("slow", Question, pace: false);

        // The reply is under way (on a loaded machine hearing the question can take longer than the wait below).
        using (var started = new CancellationTokenSource(ServiceHost.Timeout))
        {
            while (Volatile.Read(ref tts.Calls) < warmUp + 3)
            {
                await Task.Delay(50, started.Token);
            }
        }

        // Not reading: the reply (~13 MB of audio) cannot all fit in the socket buffers, the queue fills, the server gives up.
        var before = GC.GetTotalMemory(forceFullCollection: true);
        await Task.Delay(TimeSpan.FromSeconds(6));
        var during = GC.GetTotalMemory(forceFullCollection: true);
        call.StartReading();
        await call.WaitForCloseAsync(TimeSpan.FromSeconds(60));
        call.CloseStatus.ShouldBe(WebSocketCloseStatus.PolicyViolation);
        call.CloseReason!.ShouldContain("too slow");
        var received = call.All.Where(r => r.Binary is not null).Sum(r => r.Binary!.Length);
        received.ShouldBeLessThan(200 * 60_000, "the whole reply was sent; the client was never slow");
        (during - before).ShouldBeLessThan(64L * 1024 * 1024);
    }
}
