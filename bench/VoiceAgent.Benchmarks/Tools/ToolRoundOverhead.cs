using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Llm;
using VoiceAgent.Pipeline.Turns;
using VoiceAgent.Providers.OpenAI;
using VoiceAgent.Providers.Tools;

namespace VoiceAgent.Benchmarks.Tools;

/// <summary>
/// The service's own time around one tool round, through the real chain (OpenAI adapter, resilience, function invocation,
/// guarded HTTP tool) and the real LLM stage: from the model's last byte asking for a tool to the tool's request arriving,
/// and from the tool's answer to the next model request arriving. A local server (127.0.0.1) plays model and tool and
/// stamps each moment, so both figures include one loopback HTTP hop.
/// </summary>
public static class ToolRoundOverhead
{
    private static readonly byte[] CallStream = Encoding.UTF8.GetBytes(string.Concat(
        Chunk("""{"role":"assistant","content":""}""", "null"),
        Chunk("""{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"lookup","arguments":""}}]}""", "null"),
        Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"{\"id\":"}}]}""", "null"),
        Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"\"A1\"}"}}]}""", "null"),
        Chunk("{}", "\"tool_calls\""),
        "data: [DONE]\n\n"));

    private static readonly byte[] AnswerStream = Encoding.UTF8.GetBytes(string.Concat(
        Chunk("""{"role":"assistant","content":""}""", "null"),
        Chunk("""{"content":"It shipped."}""", "null"),
        Chunk("{}", "\"stop\""),
        "data: [DONE]\n\n"));

    public static async Task RunAsync(int rounds)
    {
        using var server = new Stamps();
        var options = new OpenAIEngineOptions { Name = "bench", BaseUrl = server.BaseUrl + "/v1", Model = "m", ApiKey = "k" };
        using var chat = new ChatClientBuilder(OpenAIEngines.CreateChatClient(options)).UseFunctionInvocation(configure: f => f.MaximumIterationsPerRequest = 5).Build();
        using var http = new HttpClient(new SocketsHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan };
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new ToolMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        var sources = new ToolSourcesOptions { Http = [new HttpToolOptions { Name = "lookup", Url = server.BaseUrl + "/tool", ParametersJson = """{"type":"object","properties":{"id":{"type":"string"}}}""" }] };
        var catalog = new ToolCatalog(sources, [], [new HttpTool(sources.Http[0], http, 16_384)], null, metrics, TimeProvider.System);

        using var session = new CancellationTokenSource();
        using var turns = new TurnManager(session.Token);
        var stage = new LlmStage(chat, turns, new TurnTimeline(), tools: new LlmTools(catalog, new ToolsOptions { FillerAfterMs = 0 }, TimeProvider.System, Speaks: false));
        var input = Channel.CreateUnbounded<Frame>();
        var output = Channel.CreateUnbounded<Frame>();
        var running = stage.RunAsync(input.Reader, output.Writer, session.Token);

        var toTool = new List<double>();
        var toModel = new List<double>();
        for (var i = -50; i < rounds; i++)
        {
            server.Reset();
            var turn = turns.BeginTurn();
            await input.Writer.WriteAsync(new ChatRequestFrame(turn, [new ChatMessage(ChatRole.User, "Where is A1?")], null) { Tools = new ToolScope("bench") });
            while (await output.Reader.ReadAsync() is not ReplyEndFrame)
            {
            }

            if (i >= 0)
            {
                toTool.Add(Stopwatch.GetElapsedTime(server.CallSent, server.ToolReceived).TotalMilliseconds);
                toModel.Add(Stopwatch.GetElapsedTime(server.ToolAnswered, server.NextModelReceived).TotalMilliseconds);
            }
        }

        input.Writer.Complete();
        await running;
        Print("model asks → tool request arrives", toTool);
        Print("tool answers → next model request arrives", toModel);
        Console.WriteLine($"  ({rounds} rounds, load average {Percentiles.LoadAverage()})");
    }

    private static void Print(string name, List<double> samples)
    {
        var s = Percentiles.Sorted(samples);
        Console.WriteLine($"  {name,-44} p50 {Percentiles.F(Percentiles.Of(s, 50), 3)} ms, p90 {Percentiles.F(Percentiles.Of(s, 90), 3)} ms, p99 {Percentiles.F(Percentiles.Of(s, 99), 3)} ms");
    }

    private static string Chunk(string delta, string finish) =>
        $"data: {{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"m\",\"choices\":[{{\"index\":0,\"delta\":{delta},\"finish_reason\":{finish}}}]}}\n\n";

    /// <summary>Model and tool on one local listener, stamping when each message was sent or arrived.</summary>
    private sealed class Stamps : IDisposable
    {
        private readonly HttpListener _listener = new();

        public Stamps()
        {
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                BaseUrl = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}";
            }

            _listener.Prefixes.Add(BaseUrl + "/");
            _listener.Start();
            _ = Task.Run(LoopAsync);
        }

        public string BaseUrl { get; }

        public long CallSent { get; private set; }

        public long ToolReceived { get; private set; }

        public long ToolAnswered { get; private set; }

        public long NextModelReceived { get; private set; }

        public void Reset() => (CallSent, ToolReceived, ToolAnswered, NextModelReceived) = (0, 0, 0, 0);

        public void Dispose() => _listener.Close();

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext ctx;
                try
                {
                    ctx = await _listener.GetContextAsync();
                }
                catch (Exception) when (!_listener.IsListening)
                {
                    return;
                }

                var arrived = Stopwatch.GetTimestamp();
                _ = Task.Run(() => AnswerAsync(ctx, arrived));
            }
        }

        private async Task AnswerAsync(HttpListenerContext ctx, long arrived)
        {
            using var body = new MemoryStream();
            await ctx.Request.InputStream.CopyToAsync(body);
            if (ctx.Request.Url!.AbsolutePath == "/tool")
            {
                // Stamped just before the answer is written: the figure then includes the write and the hop (conservative).
                ToolReceived = arrived;
                ToolAnswered = Stopwatch.GetTimestamp();
                await WriteAsync(ctx, "application/json", """{"status":"shipped"}"""u8.ToArray());
                return;
            }

            var answering = Encoding.UTF8.GetString(body.ToArray()).Contains("\"role\":\"tool\"", StringComparison.Ordinal);
            if (answering)
            {
                NextModelReceived = arrived;
            }

            if (!answering)
            {
                CallSent = Stopwatch.GetTimestamp();
            }

            await WriteAsync(ctx, "text/event-stream", answering ? AnswerStream : CallStream);
        }

        private static async Task WriteAsync(HttpListenerContext ctx, string type, byte[] bytes)
        {
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = type;
            ctx.Response.ContentLength64 = bytes.Length;
            await ctx.Response.OutputStream.WriteAsync(bytes);
            ctx.Response.Close();
        }
    }
}
