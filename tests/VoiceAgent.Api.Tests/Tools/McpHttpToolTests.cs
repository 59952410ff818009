using System.Net.Http.Json;
using System.Text.Json;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Providers.Tests.OpenAI;

namespace VoiceAgent.Api.Tests.Tools;

/// <summary>MCP over Streamable HTTP: the test server as the SDK's ASP.NET Core server in its own process, killed and restarted.</summary>
public sealed class McpHttpToolTests
{
    [Fact]
    public async Task Tools_of_a_streamable_http_server_are_called_and_listed_afresh_after_the_server_restarts()
    {
        var port = FakeOpenAIServer.FreePort();
        var server = await McpHttpServerProcess.StartAsync(port);
        try
        {
            await using var s = await ToolScenario.StartAsync(
                settings: new()
                {
                    ["VoiceAgent:Tools:Mcp:0:Name"] = "remote",
                    ["VoiceAgent:Tools:Mcp:0:Url"] = server.Url,
                    ["VoiceAgent:Tools:McpPingIntervalMs"] = "200",
                    ["VoiceAgent:Tools:McpReconnectDelayMs"] = "100",
                },
                llm: _ => (ctx, request) => FakeResponses.LastMessage(request).Role == "tool"
                    ? FakeResponses.ChatStream(["Tomorrow: ", FakeResponses.LastMessage(request).Content, "."])(ctx, request)
                    : FakeResponses.ToolCallStream("call_h", "forecast", ["{\"city\":", "\"Lyon\"}"])(ctx, request));

            var before = await RemoteAsync(s.Host);
            before.GetProperty("status").GetString().ShouldBe("connected");
            before.GetProperty("tools").GetInt32().ShouldBe(1);
            (await CompleteAsync(s.Host)).ShouldContain("Lyon: light rain tomorrow, 14 degrees");

            // The server goes away and comes back (a new process, a new session) with one more tool.
            await server.DisposeAsync();
            server = await McpHttpServerProcess.StartAsync(port, tides: true);

            var after = await WaitForAsync(s.Host, r => r.GetProperty("connections").GetInt32() >= 2 && r.GetProperty("status").GetString() == "connected");
            after.GetProperty("tools").GetInt32().ShouldBe(2);
            (await CompleteAsync(s.Host)).ShouldContain("Lyon: light rain tomorrow, 14 degrees");
            using var sent = JsonDocument.Parse(s.LlmTurns[^1].Body);
            sent.RootElement.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()).ShouldContain("tides");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_server_that_is_down_at_start_is_connected_when_it_comes_up()
    {
        var port = FakeOpenAIServer.FreePort();
        await using var s = await ToolScenario.StartAsync(settings: new()
        {
            ["VoiceAgent:Tools:Mcp:0:Name"] = "remote",
            ["VoiceAgent:Tools:Mcp:0:Url"] = $"http://127.0.0.1:{port}/mcp",
            ["VoiceAgent:Tools:McpReconnectDelayMs"] = "100",
        });
        (await RemoteAsync(s.Host)).GetProperty("status").GetString().ShouldBe("unavailable");

        await using var server = await McpHttpServerProcess.StartAsync(port);

        var up = await WaitForAsync(s.Host, r => r.GetProperty("status").GetString() == "connected");
        up.GetProperty("tools").GetInt32().ShouldBe(1);
    }

    private static async Task<JsonElement> RemoteAsync(ServiceHost host)
    {
        using var health = JsonDocument.Parse(await host.Http.GetStringAsync("/health").WaitAsync(ServiceHost.Timeout));
        return health.RootElement.GetProperty("mcp_servers").GetProperty("remote").Clone();
    }

    private static async Task<JsonElement> WaitForAsync(ServiceHost host, Func<JsonElement, bool> condition)
    {
        // Longer than a request's timeout: the server process starts under load while the reconnect delay doubles.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (true)
        {
            var remote = await RemoteAsync(host);
            if (condition(remote))
            {
                return remote;
            }

            cts.IsCancellationRequested.ShouldBeFalse($"the MCP server did not reconnect; last status: {remote}");
            await Task.Delay(100);
        }
    }

    private static async Task<string> CompleteAsync(ServiceHost host)
    {
        using var response = await host.Http.PostAsJsonAsync("/v1/chat/completions", new { messages = new[] { new { role = "user", content = "Forecast for Lyon?" } } }).WaitAsync(ServiceHost.Timeout);
        response.EnsureSuccessStatusCode();
        using var reply = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return reply.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
    }
}
