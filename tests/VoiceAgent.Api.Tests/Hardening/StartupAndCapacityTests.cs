using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using VoiceAgent.Api.Tests.Infrastructure;

namespace VoiceAgent.Api.Tests.Hardening;

/// <summary>Start-up checks that fail fast with a useful message, and what callers get when the service is full.</summary>
public sealed class StartupAndCapacityTests
{
    [Fact]
    public async Task A_missing_engine_file_stops_the_start_with_a_message_naming_the_package()
    {
        var ex = await Should.ThrowAsync<Exception>(() => ServiceHost.StartAsync(new Dictionary<string, string?>
        {
            ["VoiceAgent:Asr:Embedded:DictionaryPath"] = "/nonexistent/cmudict-en-us.dict",
        }));
        ex.Message.ShouldContain("pocketsphinx-en-us");
        ex.Message.ShouldContain("/nonexistent/cmudict-en-us.dict");
    }

    [Fact]
    public async Task A_bad_remote_engine_setting_stops_the_start_with_a_message_naming_the_key()
    {
        var ex = await Should.ThrowAsync<Exception>(() => ServiceHost.StartAsync(new Dictionary<string, string?>
        {
            ["VoiceAgent:Llm:Provider"] = "OpenAI",
            ["VoiceAgent:Llm:OpenAI:BaseUrl"] = "not a url",
            ["VoiceAgent:Llm:OpenAI:Model"] = "m",
            ["VoiceAgent:Llm:OpenAI:ApiKey"] = "sk-secret-value",
        }));
        ex.Message.ShouldContain("VoiceAgent:Llm:OpenAI:BaseUrl");
        ex.Message.ShouldNotContain("sk-secret-value");
    }

    [Fact]
    public async Task At_capacity_a_call_is_closed_1013_and_a_reply_gets_503()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?> { ["VoiceAgent:Sessions:MaxSessions"] = "1" });
        await using var first = await VoiceCallClient.ConnectAsync(host);
        await first.SendJsonAsync(new { meta_info = new { session_id = "holder" } });
        await first.WaitForAsync("session");

        await using var second = await VoiceCallClient.ConnectAsync(host);
        await second.WaitForCloseAsync();
        ((int?)second.CloseStatus).ShouldBe(1013);

        using var response = await host.Http.PostAsJsonAsync("/audio/chat/completions", new { messages = new[] { new { role = "user", content = "hi" } } }).WaitAsync(ServiceHost.Timeout);
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter.ShouldNotBeNull();
        first.Socket.State.ShouldBe(WebSocketState.Open);
    }
}
