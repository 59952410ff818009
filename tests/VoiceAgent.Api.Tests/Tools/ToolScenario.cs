using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Providers.Tests.OpenAI;
using VoiceAgent.Providers.Tools;

namespace VoiceAgent.Api.Tests.Tools;

/// <summary>
/// The real host with an OpenAI-compatible fake LLM that calls a tool (streamed in argument fragments, as OpenAI does)
/// and then answers with the tool's result, and a local HTTP server as that tool.
/// </summary>
internal sealed class ToolScenario : IAsyncDisposable
{
    public const string Preamble = "Let me check. ";

    private ToolScenario(FakeOpenAIServer llm, FakeOpenAIServer tool, ServiceHost host, string toolName)
    {
        Llm = llm;
        Tool = tool;
        Host = host;
        ToolName = toolName;
    }

    public FakeOpenAIServer Llm { get; }

    /// <summary>The chat requests of turns, in order (the start-up warm-up request, not streamed, left out).</summary>
    public List<RecordedRequest> LlmTurns => [.. Llm.Requests.Where(r => r.BodyText.Contains("\"stream\":true", StringComparison.Ordinal))];

    /// <summary>The HTTP tool's server: every call it received is in <c>Requests</c>.</summary>
    public FakeOpenAIServer Tool { get; }

    public ServiceHost Host { get; }

    /// <summary>The tool's name, unique per scenario so that metrics of parallel tests never mix.</summary>
    public string ToolName { get; }

    /// <param name="toolAnswer">How the tool answers (default: 200 "sunny and 21 degrees").</param>
    /// <param name="llm">How the LLM answers (default: the tool call, then "The answer is {result}." after the result).</param>
    public static async Task<ToolScenario> StartAsync(
        Func<HttpListenerContext, RecordedRequest, Task>? toolAnswer = null,
        Dictionary<string, string?>? settings = null,
        Func<string, Func<HttpListenerContext, RecordedRequest, Task>>? llm = null)
    {
        var name = "get_weather_" + Guid.NewGuid().ToString("N")[..6];
        var llmServer = FakeOpenAIServer.Start();
        llmServer.DefaultHandler = (llm ?? CallThenAnswer)(name);
        var toolServer = FakeOpenAIServer.Start();
        toolServer.DefaultHandler = toolAnswer ?? FakeResponses.Json(200, "sunny and 21 degrees");
        var all = new Dictionary<string, string?>
        {
            ["VoiceAgent:Llm:Provider"] = "OpenAI",
            ["VoiceAgent:Llm:OpenAI:BaseUrl"] = llmServer.BaseUrl,
            ["VoiceAgent:Llm:OpenAI:ApiKey"] = "llm-key",
            ["VoiceAgent:Llm:OpenAI:Model"] = "test-model",
            ["VoiceAgent:Tools:Http:0:Name"] = name,
            ["VoiceAgent:Tools:Http:0:Description"] = "The weather in a city.",
            ["VoiceAgent:Tools:Http:0:Url"] = $"http://127.0.0.1:{toolServer.Port}/weather",
            // The schema as an object, the way appsettings.json writes it.
            ["VoiceAgent:Tools:Http:0:Parameters:type"] = "object",
            ["VoiceAgent:Tools:Http:0:Parameters:properties:city:type"] = "string",
            ["VoiceAgent:Tools:Http:0:Parameters:required:0"] = "city",
        };
        foreach (var (k, v) in settings ?? [])
        {
            all[k] = v;
        }

        var host = await ServiceHost.StartAsync(all);
        return new ToolScenario(llmServer, toolServer, host, name);
    }

    /// <summary>The tool call (with a preamble spoken first) until the request carries a tool result; then an answer that uses it.</summary>
    public static Func<HttpListenerContext, RecordedRequest, Task> CallThenAnswer(string tool) => (ctx, request) =>
    {
        var (role, content) = FakeResponses.LastMessage(request);
        return role == "tool"
            ? FakeResponses.ChatStream(["The answer ", "is ", content, "."])(ctx, request)
            : FakeResponses.ToolCallStream("call_1", tool, ["{\"ci", "ty\":\"Pa", "ris\"}"], Preamble)(ctx, request);
    };

    /// <summary>Always the tool call: a model stuck in a loop.</summary>
    public static Func<HttpListenerContext, RecordedRequest, Task> AlwaysCall(string tool) => (ctx, request) =>
        FakeResponses.ToolCallStream("call_" + Guid.NewGuid().ToString("N")[..6], tool, ["{\"city\":\"Rome\"}"])(ctx, request);

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Tool.DisposeAsync();
        await Llm.DisposeAsync();
    }
}

/// <summary>Counts the VoiceAgent.Tools calls of one tool by outcome.</summary>
internal sealed class ToolOutcomes : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _counts = new();

    public ToolOutcomes(string tool)
    {
        _listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ToolMetrics.MeterName && instrument.Name == "voiceagent.tool.calls")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? name = null, outcome = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "tool")
                {
                    name = tag.Value as string;
                }
                else if (tag.Key == "outcome")
                {
                    outcome = tag.Value as string;
                }
            }

            if (name == tool && outcome is not null)
            {
                _counts.AddOrUpdate(outcome, value, (_, v) => v + value);
            }
        });
        _listener.Start();
    }

    public long this[string outcome] => _counts.TryGetValue(outcome, out var v) ? v : 0;

    public void Dispose() => _listener.Dispose();
}
