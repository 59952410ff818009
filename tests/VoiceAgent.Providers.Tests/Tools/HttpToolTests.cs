using System.Text.Json;
using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Llm;
using VoiceAgent.Pipeline.Tests.Fakes;
using VoiceAgent.Providers.Tests.OpenAI;
using VoiceAgent.Providers.Tools;

namespace VoiceAgent.Providers.Tests.Tools;

/// <summary>HTTP tools against a local HTTP server: what they send, what they return, and how they fail.</summary>
public sealed class HttpToolTests : IDisposable
{
    private readonly HttpClient _http = new();
    private readonly TestMeterFactory _meters = new();
    private readonly ToolMetrics _metrics;

    public HttpToolTests() => _metrics = new ToolMetrics(_meters);

    public void Dispose()
    {
        _http.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public async Task Post_sends_the_arguments_as_json_with_the_session_and_context_headers()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Then(FakeResponses.Json(200, """{"order":"42","status":"shipped"}"""));
        var tool = new HttpTool(Options(server, "POST"), _http, 4096).For(new ToolScope("sess-1", """{"presence":"x"}"""));

        var result = await tool.InvokeAsync(new AIFunctionArguments { ["order_id"] = "42", ["verbose"] = true }).AsTask().WaitAsync(TestEngines.Limit);

        result!.ToString()!.ShouldContain("shipped");
        var request = server.Requests.Single();
        request.Method.ShouldBe("POST");
        request.Path.ShouldBe("/tools/order");
        request.Header(ToolHeaders.SessionId).ShouldBe("sess-1");
        request.Header(ToolHeaders.AgoraContext).ShouldBe("""{"presence":"x"}""");
        request.Header("X-Api-Key").ShouldBe("k1");
        using var body = JsonDocument.Parse(request.Body);
        body.RootElement.GetProperty("order_id").GetString().ShouldBe("42");
        body.RootElement.GetProperty("verbose").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task Get_sends_the_arguments_as_query_parameters()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Then(FakeResponses.Json(200, "ok"));
        var tool = new HttpTool(Options(server, "GET"), _http, 4096);

        await tool.InvokeAsync(new AIFunctionArguments { ["city"] = "São Paulo", ["days"] = 3 }).AsTask().WaitAsync(TestEngines.Limit);

        var request = server.Requests.Single();
        request.Method.ShouldBe("GET");
        request.Header(ToolHeaders.SessionId).ShouldBeNull();
        request.Query.ShouldBe("?city=S%C3%A3o%20Paulo&days=3");
        request.Body.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_status_other_than_2xx_is_a_failure_naming_the_tool()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Then(FakeResponses.Json(503, """{"error":"down"}"""));
        var tool = new HttpTool(Options(server, "POST"), _http, 4096);

        var ex = await Should.ThrowAsync<HttpRequestException>(tool.InvokeAsync(new AIFunctionArguments()).AsTask().WaitAsync(TestEngines.Limit));

        ex.Message.ShouldContain("order_status");
        ex.Message.ShouldContain("503");
    }

    [Fact]
    public async Task A_large_answer_is_cut()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Then(FakeResponses.Json(200, new string('a', 100_000)));
        var guarded = new GuardedTool(new HttpTool(Options(server, "POST"), _http, 2000), TimeSpan.FromSeconds(5), 500, _metrics, TimeProvider.System);

        var result = (string)(await guarded.InvokeAsync(new AIFunctionArguments()).AsTask().WaitAsync(TestEngines.Limit))!;

        result.Length.ShouldBeLessThan(520);
        result.ShouldEndWith("(cut)");
    }

    [Fact]
    public async Task A_slow_tool_times_out_with_a_timeout_error_and_the_callers_cancellation_is_no_timeout()
    {
        await using var server = FakeOpenAIServer.Start();
        server.DefaultHandler = FakeResponses.Hang(server.Stopping);
        var guarded = new GuardedTool(new HttpTool(Options(server, "POST"), _http, 2000), TimeSpan.FromMilliseconds(200), 500, _metrics, TimeProvider.System);

        var timeout = await Should.ThrowAsync<TimeoutException>(guarded.InvokeAsync(new AIFunctionArguments()).AsTask().WaitAsync(TestEngines.Limit));
        timeout.Message.ShouldContain("order_status");

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        var slow = new GuardedTool(new HttpTool(Options(server, "POST"), _http, 2000), TimeSpan.FromSeconds(20), 500, _metrics, TimeProvider.System);
        await Should.ThrowAsync<OperationCanceledException>(slow.InvokeAsync(new AIFunctionArguments(), cts.Token).AsTask().WaitAsync(TestEngines.Limit));
    }

    [Fact]
    public void Parameters_must_be_a_schema_object()
    {
        var options = new HttpToolOptions { Name = "t", ParametersJson = "[1,2]" };
        Should.Throw<JsonException>(() => HttpTool.Schema(options)).Message.ShouldContain("'t'");
        HttpTool.Schema(new HttpToolOptions { Name = "t" }).GetProperty("type").GetString().ShouldBe("object");
    }

    private static HttpToolOptions Options(FakeOpenAIServer server, string method) => new()
    {
        Name = "order_status",
        Description = "Looks up an order.",
        ParametersJson = """{"type":"object","properties":{"order_id":{"type":"string"}},"required":["order_id"]}""",
        Url = $"http://127.0.0.1:{server.Port}/tools/order",
        Method = method,
        Headers = { ["X-Api-Key"] = "k1" },
    };
}
