using System.Net.WebSockets;
using VoiceAgent.Api.Tests.Infrastructure;

namespace VoiceAgent.Api.Tests.VoiceCall;

/// <summary>With keys configured, a voice call with a wrong or missing key is closed with 1008 and a reason.</summary>
public sealed class VoiceCallAuthTests : IAsyncLifetime
{
    private ServiceHost _host = null!;

    public async Task InitializeAsync() => _host = await ServiceHost.StartAsync(new Dictionary<string, string?> { ["VoiceAgent:Auth:ApiKeys:0"] = "right-key" });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("")]
    [InlineData("?token=wrong-key")]
    public async Task A_bad_key_closes_1008(string query)
    {
        await using var call = await VoiceCallClient.ConnectAsync(_host, query, bearer: false);
        await call.WaitForCloseAsync();
        call.CloseStatus.ShouldBe(WebSocketCloseStatus.PolicyViolation);
        call.CloseReason!.ShouldContain("API key");
    }

    [Fact]
    public async Task The_right_key_in_the_query_string_is_accepted_but_not_on_http_endpoints()
    {
        await using var call = await VoiceCallClient.ConnectAsync(_host, "?token=right-key", bearer: false);
        await call.SendJsonAsync(new { meta_info = new { session_id = "auth-ok" } });
        await call.WaitForAsync("session");

        using var client = new HttpClient { BaseAddress = _host.Address };
        using var response = await client.GetAsync("/v1/models?token=right-key").WaitAsync(ServiceHost.Timeout);
        ((int)response.StatusCode).ShouldBe(401);
    }
}
