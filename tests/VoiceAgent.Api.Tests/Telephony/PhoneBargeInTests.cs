using System.Net.WebSockets;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Api.Tests.Telephony;

/// <summary>Interruptions, marks and hang-ups on a long phone reply, on the real host with the embedded engines.</summary>
public sealed class PhoneBargeInTests
{
    private const int Sentences = 12;
    private static readonly byte[] Question = TestAudio.FliteTelephone("what is twelve times seven", silenceMs: 1500);

    // The FAQ skill answers first: a question the recogniser hears any of its words in gets a long, many-sentence answer.
    private static Dictionary<string, string?> LongAnswer() => new()
    {
        ["VoiceAgent:Telephony:Twilio:AuthToken"] = TwilioCallTests.AuthToken,
        ["VoiceAgent:Telephony:PublicBaseUrl"] = CarrierSimulator.PublicBaseUrl,
        ["VoiceAgent:Llm:Embedded:Faq:0:Patterns:0"] = "what|twelve|seven|time",
        ["VoiceAgent:Llm:Embedded:Faq:0:Answer"] = string.Join(" ", Enumerable.Range(1, Sentences).Select(i => $"This is sentence number {i} of the long answer.")),
    };

    [Fact]
    public async Task Speaking_over_the_agent_clears_the_line_answers_the_new_question_and_history_keeps_what_was_heard()
    {
        await using var host = await ServiceHost.StartAsync(LongAnswer());
        await using var twilio = await CarrierSimulator.ConnectAsync(host, "twilio", authToken: TwilioCallTests.AuthToken);
        await twilio.ConnectedAsync();
        await twilio.StartAsync("+1 555 777 0001", "CA-barge");
        await twilio.StreamAsync(Question);
        await twilio.WaitUntilAsync(t => t.Echoed.Count >= 2, "two sentences heard");
        var firstTurn = twilio.Echoed[0].Split('.')[0];

        await twilio.StreamAsync(TestAudio.FliteTelephone("what time is it now", silenceMs: 1500));
        await twilio.WaitUntilAsync(t => t.Count("clear") == 1, "a clear");

        // The new question is answered: audio and a mark of a newer turn follow the clear.
        await twilio.WaitUntilAsync(
            t => t.Received.SkipWhile(r => r.Kind != "clear").Any(r => r.Kind == "mark" && ((string)r.Value!).Split('.')[0] != firstTurn),
            "a mark of the new reply after the clear",
            () => string.Join(" | ", host.Service<IConversationStore>().GetAsync("phone:15557770001").Result?.Messages.Select(m => m.Role + ": " + m.Text) ?? []));
        var received = twilio.Snapshot();
        var clearAt = received.FindIndex(r => r.Kind == "clear");
        received.Skip(clearAt + 1).Where(r => r.Kind == "mark").ShouldAllBe(r => ((string)r.Value!).Split('.')[0] != firstTurn, "nothing of the old turn after its clear");
        received.Skip(clearAt + 1).ShouldContain(r => r.Kind == "media");

        // History keeps the sentences whose marks came back before the interruption, not all that were sent.
        var stored = await host.Service<IConversationStore>().GetAsync("phone:15557770001");
        // (On a loaded machine the question itself may be cut in two and its first half answered and interrupted at once,
        // so the reply talked over is the interrupted one that holds sentences.)
        var first = stored!.Messages.First(m => m.Interrupted && m.Text.Contains("sentence number", StringComparison.Ordinal));
        var kept = Occurrences(first.Text, "sentence number");
        int heardBeforeClear;
        lock (twilio.Echoed)
        {
            // Echoes are in order; those after the clear was received include the marks the clear dropped.
            heardBeforeClear = EchoedBefore(twilio, clearAt, firstTurn);
        }

        // Never more than the caller heard; a mark echoed between the server's decision and the clear's arrival (a wide
        // window on a loaded machine) is heard but after the turn closed, so fewer may be kept.
        kept.ShouldBeInRange(1, heardBeforeClear, $"{heardBeforeClear} heard before the clear");
        kept.ShouldBeLessThan(Sentences);
    }

    [Fact]
    public async Task A_call_that_stops_mid_reply_saves_the_turn_with_what_was_heard_and_closes_normally()
    {
        await using var host = await ServiceHost.StartAsync(LongAnswer());
        await using var twilio = await CarrierSimulator.ConnectAsync(host, "twilio", authToken: TwilioCallTests.AuthToken);
        await twilio.ConnectedAsync();
        await twilio.StartAsync("+1 555 777 0002", "CA-hangup");
        await twilio.StreamAsync(Question);
        await twilio.WaitUntilAsync(t => t.Echoed.Count >= 1, "a sentence heard");
        await twilio.StopAsync();
        await twilio.WaitForCloseAsync();
        twilio.CloseStatus.ShouldBe(WebSocketCloseStatus.NormalClosure);

        var stored = await host.Service<IConversationStore>().GetAsync("phone:15557770002");
        stored.ShouldNotBeNull();
        stored.Messages.Count.ShouldBe(2);
        stored.Messages[1].Interrupted.ShouldBeTrue();
        Occurrences(stored.Messages[1].Text, "sentence number").ShouldBeInRange(1, Sentences - 1);
    }

    [Fact]
    public async Task A_call_acts_for_the_tenant_of_its_key_and_never_reaches_another_tenants_sessions()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?>
        {
            ["VoiceAgent:Auth:Keys:0:Name"] = "alice-app",
            ["VoiceAgent:Auth:Keys:0:Key"] = "alice-key",
            ["VoiceAgent:Auth:Keys:1:Name"] = "bob-app",
            ["VoiceAgent:Auth:Keys:1:Key"] = "bob-key",
        });
        var store = host.Service<IConversationStore>();

        // No signature is configured: a Twilio stream needs a key as its token parameter, or it is closed at start.
        await using (var anonymous = await CarrierSimulator.ConnectAsync(host, "twilio"))
        {
            await anonymous.StartAsync("+1 555 777 0003", "CA-anon");
            await anonymous.WaitForCloseAsync();
            anonymous.CloseStatus.ShouldBe(WebSocketCloseStatus.PolicyViolation);
        }

        await using (var alice = await CarrierSimulator.ConnectAsync(host, "twilio"))
        {
            await alice.StartAsync("+1 555 777 0003", "CA-alice", token: "alice-key");
            await alice.DtmfAsync("#");
            await TwilioCallTests.WaitForHistoryAsync(store.ForTenant(new TenantId("alice-app")), "phone:15557770003", 1);
        }

        (await store.ForTenant(new TenantId("bob-app")).GetAsync("phone:15557770003")).ShouldBeNull();
    }

    private static int EchoedBefore(CarrierSimulator twilio, int clearIndex, string turn)
    {
        var clearAt = twilio.Snapshot()[clearIndex].At;
        return twilio.EchoedAt.Count(e => e.At < clearAt && e.Name.Split('.')[0] == turn);
    }

    private static int Occurrences(string text, string what)
    {
        var n = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }
}
