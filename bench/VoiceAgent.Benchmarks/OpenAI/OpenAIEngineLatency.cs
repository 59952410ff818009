using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;
using Polly.CircuitBreaker;
using VoiceAgent.Providers.OpenAI;

namespace VoiceAgent.Benchmarks.OpenAI;

/// <summary>
/// What the OpenAI engine path adds over raw HTTP against a local server (a whole streamed reply per call), and how
/// long a call takes to be answered by the fallback engine once the primary's breaker is open.
/// A console mode: the numbers are wall-clock latencies of a real socket round trip, which BenchmarkDotNet would not add to.
/// </summary>
public static class OpenAIEngineLatency
{
    private static readonly ChatMessage[] Messages = [new(ChatRole.System, "Be brief."), new(ChatRole.User, "Hello")];

    public static async Task RunAsync(int runs)
    {
        using var server = new LocalOpenAIServer();
        var options = new OpenAIEngineOptions { Name = "bench", BaseUrl = server.BaseUrl, Model = "m", ApiKey = "k" };
        using var http = new HttpClient();
        var body = """{"model":"m","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hello"}],"stream":true,"stream_options":{"include_usage":true}}""";

        var raw = await MeasureAsync(runs, async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, server.BaseUrl + "/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new("Bearer", "k");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            await response.Content.CopyToAsync(Stream.Null);
        });
        using var adapter = new OpenAIChatClient(options);
        var sdk = await MeasureAsync(runs, () => DrainAsync(adapter));
        using var resilient = OpenAIEngines.CreateChatClient(options);
        var full = await MeasureAsync(runs, () => DrainAsync(resilient));
        using var fallback = new FallbackChatClient([OpenAIEngines.CreateChatClient(options)]);
        var withFallback = await MeasureAsync(runs, () => DrainAsync(fallback));

        Console.WriteLine($"streamed chat reply against 127.0.0.1, {runs} calls each (median / p95, ms):");
        Print("raw HttpClient (SSE read to end)", raw, null);
        Print("OpenAIChatClient (SDK adapter)", sdk, raw);
        Print("ResilientChatClient (+Polly)", full, raw);
        Print("FallbackChatClient(Resilient)", withFallback, raw);

        await MeasureBreakerFallbackAsync(server, runs);
    }

    private static async Task MeasureBreakerFallbackAsync(LocalOpenAIServer backupServer, int runs)
    {
        using var down = new LocalOpenAIServer(503);
        var primary = new OpenAIEngineOptions { Name = "primary", BaseUrl = down.BaseUrl, Model = "m", MaxRetries = 0 };
        var backup = new OpenAIEngineOptions { Name = "backup", BaseUrl = backupServer.BaseUrl, Model = "m" };
        var primaryClient = OpenAIEngines.CreateChatClient(primary);
        using var client = new FallbackChatClient([primaryClient, OpenAIEngines.CreateChatClient(backup)]);
        var beforeOpen = new List<double>();
        var calls = 0;
        while (primaryClient.Resilience.BreakerState != CircuitState.Open)
        {
            var t = Stopwatch.GetTimestamp();
            await DrainAsync(client);
            beforeOpen.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            calls++;
        }

        var open = await MeasureAsync(runs, () => DrainAsync(client), warmup: 0);
        Console.WriteLine($"primary answering 503, breaker opened after {calls} calls (min throughput 4, ratio 0.5):");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  while closed: 503 round trip + fallback reply, median {Median(beforeOpen):F3} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  breaker open → fallback reply complete: first call {open[0]:F3} ms, median {Median(open):F3} ms, p95 {Percentile(open, 0.95):F3} ms"));
    }

    private static async Task DrainAsync(IChatClient client)
    {
        await foreach (var _ in client.GetStreamingResponseAsync(Messages))
        {
        }
    }

    private static async Task<List<double>> MeasureAsync(int runs, Func<Task> call, int warmup = 50)
    {
        for (var i = 0; i < warmup; i++)
        {
            await call();
        }

        var times = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            var t = Stopwatch.GetTimestamp();
            await call();
            times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }

        return times;
    }

    private static void Print(string name, List<double> times, List<double>? baseline)
    {
        var extra = baseline is null ? "" : string.Create(CultureInfo.InvariantCulture, $"   added: {Median(times) - Median(baseline):+0.000;-0.000} ms median");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-36} {Median(times),8:F3} / {Percentile(times, 0.95),8:F3}{extra}"));
    }

    private static double Median(List<double> times) => Percentile(times, 0.5);

    private static double Percentile(List<double> times, double p)
    {
        var sorted = times.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
    }
}
