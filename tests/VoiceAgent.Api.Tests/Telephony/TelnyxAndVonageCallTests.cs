using System.Net.WebSockets;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Api.Tests.VoiceCall;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Api.Tests.Telephony;

/// <summary>Telnyx (A-law, chunks out of order) and Vonage (binary L16 16 kHz) on the same phone path, against simulated carriers.</summary>
public sealed class TelnyxAndVonageCallTests
{
    private static Dictionary<string, string?> LongAnswer() => new()
    {
        ["VoiceAgent:Auth:Keys:0:Name"] = "phone-line",
        ["VoiceAgent:Auth:Keys:0:Key"] = "line-key",
        ["VoiceAgent:Llm:Embedded:Faq:0:Patterns:0"] = "what|twelve|seven|time",
        ["VoiceAgent:Llm:Embedded:Faq:0:Answer"] = string.Join(" ", Enumerable.Range(1, 12).Select(i => $"This is sentence number {i} of the long answer.")),
    };

    [Fact]
    public async Task Telnyx_alaw_call_is_answered_in_speech_barge_in_clears_and_dtmf_reaches_the_llm()
    {
        await using var host = await StartAsync();
        await using var telnyx = await CarrierSimulator.ConnectAsync(host, "telnyx", "?token=line-key");
        await telnyx.SendJsonAsync(new { @event = "connected", version = "1.0.0" });
        await telnyx.StartTelnyxAsync("+15558880001", "v3:call-control-1", encoding: "PCMA");
        await telnyx.StreamAsync(TestAudio.FliteTelephone("what is twelve times seven", "a-law", silenceMs: 1500), swapPairs: true);
        await telnyx.WaitUntilAsync(t => t.Echoed.Count >= 2, "two sentences heard");

        var media = telnyx.Snapshot().Where(r => r.Kind == "media").Select(r => (byte[])r.Value!).ToList();
        media.ShouldAllBe(m => m.Length % 160 == 0 && m.Length <= 320);
        var heard = telnyx.Heard;
        var pcm = new short[heard.Length];
        G711.ALawDecode(heard, pcm);
        TwilioCallTests.SpeechShare(host, pcm, 8000).ShouldBeGreaterThan(0.5, "the A-law the caller heard is speech");

        var firstTurn = telnyx.Echoed[0].Split('.')[0];
        await telnyx.StreamAsync(TestAudio.FliteTelephone("what time is it now", "a-law", silenceMs: 1500));
        await telnyx.WaitUntilAsync(t => t.Count("clear") == 1, "a clear");
        await telnyx.WaitUntilAsync(
            t => t.Received.SkipWhile(r => r.Kind != "clear").Any(r => r.Kind == "mark" && ((string)r.Value!).Split('.')[0] != firstTurn),
            "a mark of the new reply after the clear");

        await telnyx.DtmfAsync("7");
        await telnyx.DtmfAsync("#");
        await WaitForRequestAsync(host, "[DTMF: 7#]");

        await telnyx.StopAsync();
        await telnyx.WaitForCloseAsync();
        telnyx.CloseStatus.ShouldBe(WebSocketCloseStatus.NormalClosure);
        var stored = await host.Service<IConversationStore>().ForTenant(new TenantId("phone-line")).GetAsync("phone:15558880001");
        stored!.Messages[1].Interrupted.ShouldBeTrue();
    }

    [Fact]
    public async Task Vonage_l16_call_is_answered_in_binary_20_ms_frames_barge_in_clears_and_notify_shapes_history()
    {
        await using var host = await StartAsync();

        // The answer webhook's NCCO connects the call to the stream with the key on its URL.
        var answer = await host.Http.GetStringAsync("/telephony/vonage/answer?token=line-key&from=15558880002&uuid=abc").WaitAsync(ServiceHost.Timeout);
        answer.ShouldContain($"ws://{host.Address.Authority}/telephony/vonage/stream?token=line-key");
        answer.ShouldContain("audio/l16;rate=16000");

        await using var vonage = await CarrierSimulator.ConnectAsync(host, "vonage", "?token=line-key");
        await vonage.StartVonageAsync("15558880002", "abc");
        await vonage.StreamAsync(TestAudio.FliteTelephone("what is twelve times seven", "signed-integer", 16000, silenceMs: 1500));
        await vonage.WaitUntilAsync(t => t.Echoed.Count >= 2, "two sentences heard");

        var media = vonage.Snapshot().Where(r => r.Kind == "media").Select(r => (byte[])r.Value!).ToList();
        media.ShouldAllBe(m => m.Length == 640, "exactly 20 ms of 16 kHz L16 per binary message");
        TwilioCallTests.SpeechShare(host, Pcm16.ToSamples(vonage.Heard), 16000).ShouldBeGreaterThan(0.5);

        var firstTurn = vonage.Echoed[0].Split('.')[0];
        await vonage.StreamAsync(TestAudio.FliteTelephone("what time is it now", "signed-integer", 16000, silenceMs: 1500));
        await vonage.WaitUntilAsync(t => t.Count("clear") == 1, "a clear");
        await vonage.WaitUntilAsync(
            t => t.Received.SkipWhile(r => r.Kind != "clear").Any(r => r.Kind == "mark" && ((string)r.Value!).Split('.')[0] != firstTurn),
            "a notify of the new reply after the clear");

        // Vonage hangs up by closing the socket; the call ends normally and history has both turns.
        await vonage.StopAsync();
        await vonage.WaitForCloseAsync();
        var stored = await host.Service<IConversationStore>().ForTenant(new TenantId("phone-line")).GetAsync("phone:15558880002");
        stored!.Messages.Count.ShouldBeGreaterThanOrEqualTo(3);
        stored.Messages[1].Interrupted.ShouldBeTrue();
        stored.Messages[1].Text.ShouldContain("sentence number 1 ");
    }

    [Fact]
    public async Task Without_a_valid_token_telnyx_and_vonage_streams_are_refused()
    {
        await using var host = await StartAsync();
        (await Should.ThrowAsync<WebSocketException>(() => CarrierSimulator.ConnectAsync(host, "telnyx", "?token=wrong"))).Message.ShouldContain("401");
        (await Should.ThrowAsync<WebSocketException>(() => CarrierSimulator.ConnectAsync(host, "vonage"))).Message.ShouldContain("401");
        (await host.Http.GetAsync("/telephony/vonage/answer").WaitAsync(ServiceHost.Timeout)).StatusCode.ShouldBe(System.Net.HttpStatusCode.Unauthorized);
    }

    private static Task<ServiceHost> StartAsync() => ServiceHost.StartAsync(LongAnswer(), s =>
    {
        s.AddSingleton<IChatClient>(sp => sp.GetRequiredService<RecordingChatClient>());
        s.AddSingleton(sp => new RecordingChatClient(sp.GetRequiredKeyedService<IChatClient>("Embedded")));
    });

    private static async Task WaitForRequestAsync(ServiceHost host, string userText)
    {
        var requests = host.Service<RecordingChatClient>().Requests;
        var until = DateTime.UtcNow + CarrierSimulator.Patience;
        while (DateTime.UtcNow < until)
        {
            lock (requests)
            {
                if (requests.Any(r => r.Last().Text == userText))
                {
                    return;
                }
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"no LLM request with '{userText}'");
    }
}
