using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using VoiceAgent.Api.Tests.Infrastructure;

namespace VoiceAgent.Api.Tests.Hardening;

/// <summary>Limits, browser security and observability on the real host.</summary>
public sealed class LimitsAndObservabilityTests
{
    [Fact]
    public async Task Metrics_are_exposed_in_prometheus_text_behind_the_key()
    {
        await using var host = await ServiceHost.StartAsync();
        await using (var call = await VoiceCallClient.ConnectAsync(host))
        {
            await call.StreamAsync("metrics", TestAudio.FlitePcm("what is twelve times seven", silenceMs: 1000), pace: false);
            await call.WaitForAsync("turn_end");
            await call.SendTextAsync("{oops");
            await call.WaitForAsync("error");
        }

        using var anonymous = new HttpClient { BaseAddress = host.Address };
        (await anonymous.GetAsync("/metrics").WaitAsync(ServiceHost.Timeout)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var text = await host.Http.GetStringAsync("/metrics").WaitAsync(ServiceHost.Timeout);
        text.ShouldContain("# TYPE voiceagent_sessions_total counter");
        text.ShouldContain("voiceagent_sessions_total{kind=\"call\"} 1");
        text.ShouldContain("voiceagent_turns_total{outcome=\"completed\"} 1");
        text.ShouldContain("voiceagent_turn_latency_milliseconds_bucket{milestone=\"first_audio\",le=\"+Inf\"} 1");
        text.ShouldContain("voiceagent_errors_total{kind=\"bad_frame\"} 1");
        text.ShouldContain("voiceagent_engine_queue_wait_milliseconds_count{engine=\"espeak-ng\"}");
        text.ShouldContain("voiceagent_bytes_in_bytes_total{transport=\"voice_call\"}");
        text.ShouldContain("dotnet_gc_last_collection_heap_size_bytes");
    }

    [Fact]
    public async Task A_key_over_its_request_rate_gets_429_with_retry_after()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?> { ["VoiceAgent:Limits:RequestsPerMinutePerKey"] = "3" });
        for (var i = 0; i < 3; i++)
        {
            (await host.Http.GetAsync("/v1/models").WaitAsync(ServiceHost.Timeout)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using var refused = await host.Http.GetAsync("/v1/models").WaitAsync(ServiceHost.Timeout);
        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter.ShouldNotBeNull();
        (await refused.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("error").GetProperty("code").GetString().ShouldBe("rate_limited");

        // Another key has its own allowance.
        using var other = new HttpClient { BaseAddress = host.Address };
        other.DefaultRequestHeaders.Authorization = new("Bearer", "another-key");
        (await other.GetAsync("/v1/models").WaitAsync(ServiceHost.Timeout)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_key_over_its_concurrent_calls_gets_429()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?> { ["VoiceAgent:Limits:ConcurrentCallsPerKey"] = "1" });
        await using var first = await VoiceCallClient.ConnectAsync(host);
        var ex = await Should.ThrowAsync<WebSocketException>(() => VoiceCallClient.ConnectAsync(host));
        ex.Message.ShouldContain("429");
    }

    [Fact]
    public async Task A_page_from_another_origin_cannot_open_a_call_but_an_allowed_one_can()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?> { ["VoiceAgent:Limits:AllowedOrigins:0"] = "https://app.example" });
        using (var evil = new ClientWebSocket())
        {
            evil.Options.SetRequestHeader("Origin", "https://evil.example");
            var ex = await Should.ThrowAsync<WebSocketException>(() => evil.ConnectAsync(host.WebSocketUri("/chat/voice_call?token=x"), CancellationToken.None).WaitAsync(ServiceHost.Timeout));
            ex.Message.ShouldContain("403");
        }

        using var good = new ClientWebSocket();
        good.Options.SetRequestHeader("Origin", "https://app.example");
        await good.ConnectAsync(host.WebSocketUri("/chat/voice_call?token=x"), CancellationToken.None).WaitAsync(ServiceHost.Timeout);
        good.State.ShouldBe(WebSocketState.Open);
    }

    [Fact]
    public async Task A_silent_client_is_closed_after_the_idle_timeout()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?> { ["VoiceAgent:VoiceCall:IdleTimeout"] = "00:00:01" });
        await using var call = await VoiceCallClient.ConnectAsync(host);
        await call.SendJsonAsync(new { meta_info = new { session_id = "idle" } });
        await call.WaitForCloseAsync(TimeSpan.FromSeconds(20));
        call.CloseStatus.ShouldBe(WebSocketCloseStatus.PolicyViolation);
        call.CloseReason!.ShouldContain("idle");
    }

    [Fact]
    public async Task A_client_that_keeps_sending_outlives_the_idle_timeout_and_is_closed_once_it_stops()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?> { ["VoiceAgent:VoiceCall:IdleTimeout"] = "00:00:03" });
        await using var call = await VoiceCallClient.ConnectAsync(host);
        await call.SendJsonAsync(new { meta_info = new { session_id = "busy" } });

        // Frames for longer than the idle timeout, each far inside it: the timer that fires meanwhile finds the call busy.
        var silence = new byte[640];
        for (var i = 0; i < 25; i++)
        {
            await call.SendAudioAsync("busy", silence).WaitAsync(ServiceHost.Timeout);
            await Task.Delay(200);
            call.CloseStatus.ShouldBeNull($"closed after {i + 1} frames sent 200 ms apart");
        }

        await call.WaitForCloseAsync(TimeSpan.FromSeconds(20));
        call.CloseStatus.ShouldBe(WebSocketCloseStatus.PolicyViolation);
        call.CloseReason!.ShouldContain("idle");
    }

    [Fact]
    public async Task A_call_is_answered_with_inline_socket_scheduling()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?> { ["VoiceAgent:Server:InlineSocketScheduling"] = "true" });
        await using var call = await VoiceCallClient.ConnectAsync(host);
        await call.StreamAsync("inline", TestAudio.FlitePcm("what is twelve times seven", silenceMs: 1200));
        await call.WaitForAsync("turn_end");
        call.Json("asr").Single(a => a.GetProperty("final").GetBoolean()).GetProperty("msg").GetString()!.ShouldContain("twelve");
    }

    [Fact]
    public async Task Shutdown_finishes_the_turn_in_flight_saves_it_and_closes_1001()
    {
        var host = await ServiceHost.StartAsync(new Dictionary<string, string?> { ["VoiceAgent:Store:Provider"] = "Memory" });
        await using var call = await VoiceCallClient.ConnectAsync(host);
        await call.StreamAsync("shutdown", TestAudio.FlitePcm("what is twelve times seven", silenceMs: 700), pace: false);
        await call.WaitForAsync("asr", j => j.GetProperty("final").GetBoolean());
        var store = host.Service<VoiceAgent.Pipeline.Sessions.IConversationStore>();
        var stopping = host.App.StopAsync();
        await call.WaitForCloseAsync(TimeSpan.FromSeconds(30));
        await stopping.WaitAsync(ServiceHost.Timeout);
        call.CloseStatus.ShouldBe(WebSocketCloseStatus.EndpointUnavailable);
        call.Json("turn_end").ShouldHaveSingleItem();
        (await store.GetAsync("shutdown"))!.Messages.Count.ShouldBe(2);
        await host.App.DisposeAsync();
    }
}
