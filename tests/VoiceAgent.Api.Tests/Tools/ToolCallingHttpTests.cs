using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Providers.Tests.OpenAI;
using VoiceAgent.Providers.Tools;

namespace VoiceAgent.Api.Tests.Tools;

/// <summary>Tool calls on the HTTP endpoints: server-side tools inside /v1 and /audio/chat/completions, the client's own tools OpenAI-style.</summary>
public sealed class ToolCallingHttpTests
{
    [Fact]
    public async Task V1_runs_the_server_side_tool_and_streams_the_answer_that_uses_it()
    {
        await using var s = await ToolScenario.StartAsync();

        var events = await StreamAsync(s.Host, "/v1/chat/completions", new { messages = new[] { new { role = "user", content = "Weather in Paris?" } }, stream = true, context = new { presence = "café" } });

        Content(events).ShouldContain("The answer is sunny and 21 degrees.");
        events.Last().GetProperty("choices")[0].GetProperty("finish_reason").GetString().ShouldBe("stop");
        var call = s.Tool.Requests.Single();
        call.Header(ToolHeaders.AgoraContext).ShouldBe("""{"presence":"caf\u00E9"}""");
        // No keys configured: the one tenant.
        call.Header(ToolHeaders.Tenant).ShouldBe("default");
    }

    [Fact]
    public async Task An_http_tool_gets_the_callers_key_name_never_the_key()
    {
        await using var s = await ToolScenario.StartAsync(settings: new()
        {
            ["VoiceAgent:Auth:Keys:0:Name"] = "acme-app",
            ["VoiceAgent:Auth:Keys:0:Key"] = "test-key",
        });

        (await CompleteAsync(s.Host, "Weather?")).ShouldContain("sunny and 21 degrees");

        var call = s.Tool.Requests.Single();
        call.Header(ToolHeaders.Tenant).ShouldBe("acme-app");
        call.Headers.ShouldNotContain(h => h.Value.Contains("test-key", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_tool_and_a_timeout_are_reported_to_the_model_as_failures()
    {
        await using var failing = await ToolScenario.StartAsync(FakeResponses.Json(500, "database down"));
        var reply = await CompleteAsync(failing.Host, "Weather?");
        reply.ShouldContain("database down");
        reply.ShouldContain("500");

        await using var slow = await ToolScenario.StartAsync(
            async (ctx, request) => await Task.Delay(TimeSpan.FromSeconds(20)),
            new() { ["VoiceAgent:Tools:Http:0:TimeoutMs"] = "300" });
        using var outcomes = new ToolOutcomes(slow.ToolName);
        (await CompleteAsync(slow.Host, "Weather?")).ShouldContain("did not answer within 300 ms");
        outcomes[ToolMetrics.Timeout].ShouldBe(1);
    }

    [Fact]
    public async Task MaxRounds_stops_a_model_that_keeps_calling_tools()
    {
        await using var s = await ToolScenario.StartAsync(settings: new() { ["VoiceAgent:Tools:MaxRounds"] = "2" }, llm: ToolScenario.AlwaysCall);

        var reply = await CompleteAsync(s.Host, "Weather?");

        reply.ShouldBe("Sorry, I couldn't finish that.");
        // Two rounds with tools; then one request without them, so that the model has to answer.
        s.Tool.Requests.Count.ShouldBe(2);
        s.LlmTurns.Count.ShouldBe(3);
        s.LlmTurns[2].BodyText.ShouldNotContain("\"tools\"");
    }

    [Fact]
    public async Task The_clients_own_tools_come_back_as_streamed_tool_calls()
    {
        await using var s = await ToolScenario.StartAsync(llm: _ => FakeResponses.ToolCallStream("call_9", "lookup_order", ["{\"order", "_id\":\"A1\"}"]));
        var tools = new[] { new { type = "function", function = new { name = "lookup_order", description = "Finds an order.", parameters = new { type = "object", properties = new { order_id = new { type = "string" } } } } } };

        var events = await StreamAsync(s.Host, "/v1/chat/completions", new { messages = new[] { new { role = "user", content = "Where is order A1?" } }, stream = true, tools });

        var deltas = events.Select(e => e.GetProperty("choices")[0]).ToList();
        var call = deltas.Select(c => c.GetProperty("delta")).Single(d => d.TryGetProperty("tool_calls", out _)).GetProperty("tool_calls")[0];
        call.GetProperty("index").GetInt32().ShouldBe(0);
        call.GetProperty("id").GetString().ShouldBe("call_9");
        call.GetProperty("function").GetProperty("name").GetString().ShouldBe("lookup_order");
        using (var args = JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!))
        {
            args.RootElement.GetProperty("order_id").GetString().ShouldBe("A1");
        }

        deltas.Last().GetProperty("finish_reason").GetString().ShouldBe("tool_calls");
        s.Tool.Requests.ShouldBeEmpty();
        using var sent = JsonDocument.Parse(s.LlmTurns.Single().Body);
        sent.RootElement.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()).ShouldBe(["lookup_order", s.ToolName], ignoreOrder: true);

        // The client answers its call; the model gets the result by id.
        var followUp = new
        {
            messages = new object[]
            {
                new { role = "user", content = "Where is order A1?" },
                new { role = "assistant", content = (string?)null, tool_calls = new[] { new { id = "call_9", type = "function", function = new { name = "lookup_order", arguments = "{\"order_id\":\"A1\"}" } } } },
                new { role = "tool", tool_call_id = "call_9", content = "shipped" },
            },
            tools,
        };
        s.Llm.Then(FakeResponses.ChatStream(["It shipped."]));
        using var response = await s.Host.Http.PostAsJsonAsync("/v1/chat/completions", followUp).WaitAsync(ServiceHost.Timeout);
        response.EnsureSuccessStatusCode();
        using var second = JsonDocument.Parse(s.Llm.Requests.Last().Body);
        var tool = second.RootElement.GetProperty("messages")[2];
        tool.GetProperty("role").GetString().ShouldBe("tool");
        tool.GetProperty("tool_call_id").GetString().ShouldBe("call_9");
    }

    [Fact]
    public async Task Audio_chat_completions_runs_the_tool_server_side_and_speaks_only_the_answer()
    {
        await using var s = await ToolScenario.StartAsync();

        var events = await StreamAsync(s.Host, "/audio/chat/completions", new { messages = new[] { new { role = "user", content = "Weather in Paris?" } }, stream = true });

        var transcript = new StringBuilder();
        foreach (var e in events)
        {
            if (e.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("audio", out var a) && a.TryGetProperty("transcript", out var t))
            {
                transcript.Append(t.GetString());
            }

            e.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("tool_calls", out _).ShouldBeFalse();
        }

        transcript.ToString().ShouldContain("sunny and 21 degrees");
        s.Tool.Requests.Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("/audio/chat/completions")]
    [InlineData("/v1/chat/completions")]
    public async Task A_slow_tool_keeps_the_stream_alive_with_sse_comments(string path)
    {
        await using var s = await ToolScenario.StartAsync(
            async (ctx, request) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(1.5));
                await FakeResponses.Json(200, "sunny and 21 degrees")(ctx, request);
            },
            new() { ["VoiceAgent:Http:KeepAliveMs"] = "100" });

        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(new { messages = new[] { new { role = "user", content = "Weather?" } }, stream = true }) };
        using var response = await s.Host.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(ServiceHost.Timeout);
        response.EnsureSuccessStatusCode();
        var raw = await response.Content.ReadAsStringAsync().WaitAsync(ServiceHost.Timeout);

        raw.ShouldContain("\n\n: keep-alive\n\n");
        raw.ShouldContain("sunny and 21 degrees");
        raw.ShouldEndWith("data: [DONE]\n\n");
    }

    [Fact]
    public async Task The_openai_sdk_streams_through_keep_alives()
    {
        await using var s = await ToolScenario.StartAsync(
            async (ctx, request) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(1.5));
                await FakeResponses.Json(200, "sunny and 21 degrees")(ctx, request);
            },
            new() { ["VoiceAgent:Http:KeepAliveMs"] = "100" });
        var chat = new OpenAI.OpenAIClient(new System.ClientModel.ApiKeyCredential("test-key"), new OpenAI.OpenAIClientOptions { Endpoint = new Uri(s.Host.Address, "/v1") }).GetChatClient("voiceagent");

        var text = new StringBuilder();
        using var timeout = new CancellationTokenSource(ServiceHost.Timeout);
        await foreach (var update in chat.CompleteChatStreamingAsync([new OpenAI.Chat.UserChatMessage("Weather?")], cancellationToken: timeout.Token))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        text.ToString().ShouldContain("The answer is sunny and 21 degrees.");
    }

    [Fact]
    public async Task A_session_can_narrow_the_tools_to_none()
    {
        await using var s = await ToolScenario.StartAsync();
        using var created = await s.Host.Http.PostAsJsonAsync("/sessions", new { session_id = "no-tools", tools = Array.Empty<string>() }).WaitAsync(ServiceHost.Timeout);
        created.EnsureSuccessStatusCode();
        s.Llm.DefaultHandler = FakeResponses.ChatStream(["No tools here."]);
        await using var call = await VoiceCallClient.ConnectAsync(s.Host);

        await call.StreamAsync("no-tools", TestAudio.FlitePcm("what is the weather", silenceMs: 1200), pace: false);
        await call.WaitForAsync("turn_end");

        s.LlmTurns.ShouldNotBeEmpty();
        s.LlmTurns.ShouldAllBe(r => !r.BodyText.Contains("\"tools\"", StringComparison.Ordinal));
        using var got = JsonDocument.Parse(await s.Host.Http.GetStringAsync("/sessions/no-tools"));
        got.RootElement.GetProperty("tools").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task A_misconfigured_tool_stops_the_start_with_its_key()
    {
        var ex = await Should.ThrowAsync<Exception>(() => ServiceHost.StartAsync(new Dictionary<string, string?> { ["VoiceAgent:Tools:BuiltIn:0"] = "hang_up" }));
        ex.ToString().ShouldContain("VoiceAgent:Tools:BuiltIn");

        ex = await Should.ThrowAsync<Exception>(() => ServiceHost.StartAsync(new Dictionary<string, string?>
        {
            ["VoiceAgent:Tools:Http:0:Name"] = "lookup",
            ["VoiceAgent:Tools:Http:0:Url"] = "not a url",
        }));
        ex.ToString().ShouldContain("absolute http(s) Url");
    }

    private static async Task<List<JsonElement>> StreamAsync(ServiceHost host, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        using var response = await host.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(ServiceHost.Timeout);
        response.EnsureSuccessStatusCode();
        return await SseReader.ReadAllAsync(response).WaitAsync(ServiceHost.Timeout);
    }

    private static async Task<string> CompleteAsync(ServiceHost host, string question)
    {
        using var response = await host.Http.PostAsJsonAsync("/v1/chat/completions", new { messages = new[] { new { role = "user", content = question } } }).WaitAsync(ServiceHost.Timeout);
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
    }

    private static string Content(List<JsonElement> events) => string.Concat(events.Select(e =>
        e.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : ""));
}
