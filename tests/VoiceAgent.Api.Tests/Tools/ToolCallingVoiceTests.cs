using System.Net.WebSockets;
using System.Text.Json;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Providers.Tests.OpenAI;
using VoiceAgent.Providers.Tools;

namespace VoiceAgent.Api.Tests.Tools;

/// <summary>Tool calls on the voice call: real host, embedded ASR and TTS, a fake OpenAI-compatible LLM, a local HTTP tool.</summary>
public sealed class ToolCallingVoiceTests
{
    private static readonly byte[] Question = TestAudio.FlitePcm("what is the weather in paris", silenceMs: 1200);

    [Fact]
    public async Task The_tool_runs_with_the_models_arguments_and_its_result_is_spoken()
    {
        await using var s = await ToolScenario.StartAsync();
        await using var call = await VoiceCallClient.ConnectAsync(s.Host);

        await call.StreamAsync("tools-voice", Question, pace: false);
        var end = await call.WaitForAsync("turn_end");

        var request = s.Tool.Requests.Single();
        request.Method.ShouldBe("POST");
        using (var body = JsonDocument.Parse(request.Body))
        {
            body.RootElement.GetProperty("city").GetString().ShouldBe("Paris");
        }

        request.Header(ToolHeaders.SessionId).ShouldBe("tools-voice");
        var tools = call.Json("tool").Select(t => (t.GetProperty("name").GetString(), t.GetProperty("status").GetString())).ToList();
        tools.ShouldBe([(s.ToolName, "started"), (s.ToolName, "done")]);
        var texts = call.Json("text").Select(t => t.GetProperty("msg").GetString()!).ToList();
        string.Join(" ", texts).ShouldContain("sunny and 21 degrees");

        // The words before the call are spoken before the tool answers.
        var frames = call.All.Where(r => r.Json is not null).Select(r => r.Json!.Value).ToList();
        var preamble = frames.FindIndex(f => f.GetProperty("type").GetString() == "text" && f.GetProperty("msg").GetString()!.Contains("Let me check", StringComparison.Ordinal));
        var done = frames.FindIndex(f => f.GetProperty("type").GetString() == "tool" && f.GetProperty("status").GetString() == "done");
        preamble.ShouldBeGreaterThanOrEqualTo(0);
        preamble.ShouldBeLessThan(done);
        end.Json!.Value.GetProperty("latency_ms").GetProperty("tools").GetDouble().ShouldBeGreaterThan(0);

        // The next request to the model carries the call and its result; so does the stored history.
        var second = s.LlmTurns[1];
        using var sent = JsonDocument.Parse(second.Body);
        sent.RootElement.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()).ShouldContain("tool");
        var stored = await s.Host.Service<IConversationStore>().GetAsync("tools-voice").WaitAsync(ServiceHost.Timeout);
        stored!.Messages.Select(m => m.Role).ShouldBe(["user", ToolHistory.CallRole, ToolHistory.ResultRole, "assistant"]);
    }

    [Fact]
    public async Task A_slow_tool_gets_one_filler_and_its_answer()
    {
        await using var s = await ToolScenario.StartAsync(
            async (ctx, request) =>
            {
                await Task.Delay(1500);
                await FakeResponses.Json(200, "cloudy")(ctx, request);
            },
            new() { ["VoiceAgent:Tools:FillerAfterMs"] = "300", ["VoiceAgent:Tools:Filler"] = "Bear with me." });
        await using var call = await VoiceCallClient.ConnectAsync(s.Host);

        await call.StreamAsync("tools-filler", Question, pace: false);
        await call.WaitForAsync("turn_end");

        var texts = call.Json("text").Select(t => t.GetProperty("msg").GetString()!).ToList();
        texts.Count(t => t.Contains("Bear with me.", StringComparison.Ordinal)).ShouldBe(1);
        string.Join(" ", texts).ShouldContain("cloudy");
        texts.FindIndex(t => t.Contains("Bear with me.", StringComparison.Ordinal)).ShouldBeLessThan(texts.FindIndex(t => t.Contains("cloudy", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_barge_in_during_a_slow_tool_cancels_it()
    {
        await using var s = await ToolScenario.StartAsync(async (ctx, request) => await Task.Delay(TimeSpan.FromSeconds(20)));
        using var outcomes = new ToolOutcomes(s.ToolName);
        await using var call = await VoiceCallClient.ConnectAsync(s.Host);

        await call.StreamAsync("tools-barge", Question, pace: false);
        var started = await call.WaitForAsync("tool");
        var turn = started.Json!.Value.GetProperty("turn_id").GetInt64();
        await call.StreamAsync("tools-barge", TestAudio.FlitePcm("never mind", silenceMs: 1000), pace: false, seed: 3);
        await call.WaitForAsync("interrupt", j => j.GetProperty("turn_id").GetInt64() == turn);

        using var wait = new CancellationTokenSource(ServiceHost.Timeout);
        while (outcomes[ToolMetrics.Cancelled] == 0)
        {
            await Task.Delay(50, wait.Token);
        }

        outcomes[ToolMetrics.Done].ShouldBe(0);
        outcomes[ToolMetrics.Timeout].ShouldBe(0);
        call.Json("tool").ShouldNotContain(t => t.GetProperty("turn_id").GetInt64() == turn && t.GetProperty("status").GetString() == "done");
    }

    [Fact]
    public async Task End_call_lets_the_goodbye_be_heard_then_closes_normally()
    {
        await using var s = await ToolScenario.StartAsync(
            settings: new() { ["VoiceAgent:Tools:BuiltIn:0"] = "end_call" },
            llm: _ => (ctx, request) => FakeResponses.LastMessage(request).Role == "tool"
                ? FakeResponses.ChatStream(["Goodbye, ", "have a nice day."])(ctx, request)
                : FakeResponses.ToolCallStream("call_end", "end_call", ["{}"])(ctx, request));
        await using var call = await VoiceCallClient.ConnectAsync(s.Host);

        await call.StreamAsync("tools-bye", TestAudio.FlitePcm("goodbye", silenceMs: 1200), pace: false);
        await call.WaitForCloseAsync();

        call.CloseStatus.ShouldBe(WebSocketCloseStatus.NormalClosure);
        string.Join(" ", call.Json("text").Select(t => t.GetProperty("msg").GetString())).ShouldContain("Goodbye");
        call.All.ShouldContain(r => r.Binary != null);
    }

    [Fact]
    public async Task Tool_messages_survive_a_restart_on_sqlite_and_reach_the_next_turns_model()
    {
        var dir = Directory.CreateTempSubdirectory("va-tools-");
        try
        {
            var sqlite = new Dictionary<string, string?> { ["VoiceAgent:Store:Provider"] = "Sqlite", ["VoiceAgent:Store:Sqlite:Path"] = Path.Combine(dir.FullName, "va.db") };
            await using (var s = await ToolScenario.StartAsync(settings: sqlite))
            {
                await using var call = await VoiceCallClient.ConnectAsync(s.Host);
                await call.StreamAsync("tools-restart", Question, pace: false);
                await call.WaitForAsync("turn_end");
            }

            await using var again = await ToolScenario.StartAsync(settings: sqlite, llm: _ => FakeResponses.ChatStream(["Still sunny."]));
            var stored = await again.Host.Service<IConversationStore>().GetAsync("tools-restart").WaitAsync(ServiceHost.Timeout);
            stored!.Messages.Select(m => m.Role).ShouldBe(["user", ToolHistory.CallRole, ToolHistory.ResultRole, "assistant"]);

            await using var next = await VoiceCallClient.ConnectAsync(again.Host);
            await next.StreamAsync("tools-restart", Question, pace: false);
            await next.WaitForAsync("turn_end");
            using var body = JsonDocument.Parse(again.LlmTurns.First().Body);
            var messages = body.RootElement.GetProperty("messages").EnumerateArray().ToList();
            messages.Any(m => m.GetProperty("role").GetString() == "assistant" && m.TryGetProperty("tool_calls", out _)).ShouldBeTrue();
            messages.ShouldContain(m => m.GetProperty("role").GetString() == "tool" && m.GetProperty("content").GetString()!.Contains("sunny", StringComparison.Ordinal));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        }
    }
}
