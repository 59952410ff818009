using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Api.Tests.Telephony;

namespace VoiceAgent.Api.Tests.Hardening;

/// <summary>Admission at <c>VoiceAgent:Capacity:MaxCalls</c>: one limit for browser and phone calls, and the admitted call unharmed.</summary>
public sealed class CallAdmissionTests
{
    private static readonly byte[] Question = TestAudio.FlitePcm("what is twelve times seven", silenceMs: 1000);

    [Fact]
    public async Task Past_MaxCalls_browser_and_phone_calls_get_1013_health_says_at_capacity_and_the_admitted_call_keeps_answering()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?> { ["VoiceAgent:Capacity:MaxCalls"] = "1" });
        var first = await VoiceCallClient.ConnectAsync(host);
        try
        {
            await first.SendJsonAsync(new { meta_info = new { session_id = "admitted" } });
            await first.WaitForAsync("session");

            await using (var browser = await VoiceCallClient.ConnectAsync(host))
            {
                await browser.WaitForCloseAsync();
                ((int?)browser.CloseStatus).ShouldBe(1013);
                browser.CloseReason.ShouldBe("service at capacity, try again later");
            }

            // A phone stream takes its place from the same limit.
            await using (var phone = await CarrierSimulator.ConnectAsync(host, "telnyx", "?token=test-key"))
            {
                await phone.WaitForCloseAsync();
                ((int?)phone.CloseStatus).ShouldBe(1013);
            }

            var (code, health) = await HealthAsync(host);
            code.ShouldBe(HttpStatusCode.ServiceUnavailable);
            health.GetProperty("status").GetString().ShouldBe("at capacity");
            health.GetProperty("capacity").GetProperty("calls").GetInt32().ShouldBe(1);
            health.GetProperty("capacity").GetProperty("max_calls").GetInt32().ShouldBe(1);

            // A streaming reply is not a call: MaxCalls leaves it room (MaxSessions still bounds it).
            using (var reply = await host.Http.PostAsJsonAsync("/audio/chat/completions", new { messages = new[] { new { role = "user", content = "hi" } } }).WaitAsync(ServiceHost.Timeout))
            {
                reply.StatusCode.ShouldBe(HttpStatusCode.OK);
            }

            // The admitted call is still served while others are turned away.
            await first.StreamAsync("admitted", Question, pace: false);
            await first.WaitForAsync("turn_end");
            lock (first.All)
            {
                // The receive loop appends under this lock.
                first.All.ShouldContain(r => r.Binary != null && r.Binary.Length > 0, first.Describe());
            }

            first.Socket.State.ShouldBe(WebSocketState.Open);
        }
        finally
        {
            await first.DisposeAsync();
        }

        // Hung up: the place is free again, for either transport.
        await WaitUntilHealthyAsync(host);
        await using var next = await VoiceCallClient.ConnectAsync(host);
        await next.SendJsonAsync(new { meta_info = new { session_id = "next" } });
        await next.WaitForAsync("session");
    }

    private static async Task<(HttpStatusCode Code, JsonElement Body)> HealthAsync(ServiceHost host)
    {
        using var response = await host.Http.GetAsync(new Uri("/health", UriKind.Relative)).WaitAsync(ServiceHost.Timeout);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static async Task WaitUntilHealthyAsync(ServiceHost host)
    {
        using var deadline = new CancellationTokenSource(ServiceHost.Timeout);
        while (true)
        {
            var (code, body) = await HealthAsync(host);
            if (code == HttpStatusCode.OK)
            {
                return;
            }

            deadline.IsCancellationRequested.ShouldBeFalse($"the hung-up call still holds its place: {body}");
            await Task.Delay(50, CancellationToken.None);
        }
    }
}
