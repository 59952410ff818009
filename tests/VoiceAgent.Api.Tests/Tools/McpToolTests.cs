using System.Net.Http.Json;
using System.Text.Json;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Providers.Tests.OpenAI;

namespace VoiceAgent.Api.Tests.Tools;

/// <summary>MCP servers' tools: a real MCP server over stdio (tests/Fixtures/VoiceAgent.McpTestServer, the official SDK's server side).</summary>
public sealed class McpToolTests
{
    private static string ServerDll =>
        Path.Combine(AppContext.BaseDirectory.Replace("VoiceAgent.Api.Tests", Path.Combine("Fixtures", "VoiceAgent.McpTestServer"), StringComparison.Ordinal), "VoiceAgent.McpTestServer.dll");

    [Fact]
    public async Task The_model_calls_a_tool_of_a_stdio_mcp_server_and_answers_with_its_result()
    {
        await using var s = await ToolScenario.StartAsync(
            settings: new()
            {
                ["VoiceAgent:Tools:Mcp:0:Name"] = "forecasts",
                ["VoiceAgent:Tools:Mcp:0:Command"] = "dotnet",
                ["VoiceAgent:Tools:Mcp:0:Arguments:0"] = ServerDll,
            },
            llm: _ => (ctx, request) => FakeResponses.LastMessage(request).Role == "tool"
                ? FakeResponses.ChatStream(["Tomorrow: ", FakeResponses.LastMessage(request).Content, "."])(ctx, request)
                : FakeResponses.ToolCallStream("call_m", "forecast", ["{\"city\":", "\"Lyon\"}"])(ctx, request));

        using var health = JsonDocument.Parse(await s.Host.Http.GetStringAsync("/health").WaitAsync(ServiceHost.Timeout));
        var server = health.RootElement.GetProperty("mcp_servers").GetProperty("forecasts");
        server.GetProperty("status").GetString().ShouldBe("connected");
        server.GetProperty("tools").GetInt32().ShouldBe(1);

        using var response = await s.Host.Http.PostAsJsonAsync("/v1/chat/completions", new { messages = new[] { new { role = "user", content = "Forecast for Lyon?" } } }).WaitAsync(ServiceHost.Timeout);
        response.EnsureSuccessStatusCode();
        using var reply = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        reply.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!.ShouldContain("Lyon: light rain tomorrow, 14 degrees");
    }

    [Fact]
    public async Task An_mcp_server_that_cannot_start_is_reported_and_the_service_still_serves()
    {
        await using var s = await ToolScenario.StartAsync(settings: new()
        {
            ["VoiceAgent:Tools:Mcp:0:Name"] = "broken",
            ["VoiceAgent:Tools:Mcp:0:Command"] = "/nonexistent/mcp-server",
        });

        using var health = await s.Host.Http.GetAsync("/health").WaitAsync(ServiceHost.Timeout);
        ((int)health.StatusCode).ShouldBe(200);
        using var body = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
        var server = body.RootElement.GetProperty("mcp_servers").GetProperty("broken");
        server.GetProperty("status").GetString().ShouldBe("unavailable");
        server.GetProperty("error").GetString().ShouldNotBeNullOrWhiteSpace();

        // The HTTP tool still works.
        using var response = await s.Host.Http.PostAsJsonAsync("/v1/chat/completions", new { messages = new[] { new { role = "user", content = "Weather?" } } }).WaitAsync(ServiceHost.Timeout);
        response.EnsureSuccessStatusCode();
        (await response.Content.ReadAsStringAsync()).ShouldContain("sunny and 21 degrees");
    }
}
