using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using VoiceAgent.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace VoiceAgent.Api.Tests.Reliability;

/// <summary>
/// Fuzzes <c>POST /audio/chat/completions</c> (§1) with 20 000 generated and mutated bodies, 8 at a time: every answer is
/// 200, 400, 401 or 413, never 500, within the client timeout; every non-200 carries the OpenAI error shape.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class ChatCompletionsFuzzTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const int Bodies = 20_000;
    private const int Parallel = 8;
    private const int MaxBodyBytes = 64 * 1024;

    private readonly LogCapture _logs = new();
    private ServiceHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await ServiceHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["VoiceAgent:Http:MaxBodyBytes"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
                // 20 000 requests from one key would hit the per-key request rate; the limiter has its own test.
                ["VoiceAgent:Limits:RequestsPerMinutePerKey"] = "0",
            },
            _logs.AddTo);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    // xunit calls this after DisposeAsync: the host has stopped logging by then.
    public void Dispose() => _logs.Dispose();

    [Fact]
    public async Task Every_body_gets_200_400_401_or_413_with_an_openai_error_and_never_500()
    {
        var statuses = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentQueue<string>();
        using var http = new HttpClient { BaseAddress = _host.Address, Timeout = ServiceHost.Timeout };
        var clock = Stopwatch.StartNew();
        var next = -1;
        var workers = Enumerable.Range(0, Parallel).Select(w => Task.Run(async () =>
        {
            var fuzzer = new BodyFuzzer(seed: 500 + w, MaxBodyBytes);
            while (Interlocked.Increment(ref next) < Bodies)
            {
                var body = fuzzer.Next();
                var (status, problem) = await SendAsync(http, body);
                statuses.AddOrUpdate($"{body.Kind}:{status}", 1, (_, n) => n + 1);
                if (problem is not null)
                {
                    failures.Enqueue($"{body.Kind} → {status}: {problem}; body: {Preview(body.Body)}");
                }
            }
        }));
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromMinutes(3));

        output.WriteLine($"chat-completions fuzz: {Bodies} bodies ({Parallel} in parallel) in {clock.Elapsed.TotalSeconds:F1} s");
        output.WriteLine("kind:status counts: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}={s.Value}")));
        failures.ShouldBeEmpty(string.Join(Environment.NewLine, failures.Take(10)));
        _logs.Errors.ShouldBeEmpty(_logs.Describe());

        // The host still answers a normal request.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/audio/chat/completions") { Content = JsonContent.Create(new { messages = new[] { new { role = "user", content = "what is three plus four" } }, stream = true }) };
        using var response = await _host.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(ServiceHost.Timeout);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var events = await SseReader.ReadAllAsync(response).WaitAsync(ServiceHost.Timeout);
        events[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString().ShouldBe("stop");
    }

    /// <summary>Bodies the fuzzer found answered 500: strings that are not valid Unicode.</summary>
    [Theory]
    [InlineData("{\"messages\":[{\"role\":\"\\ud800\",\"content\":\"hi\"}]}")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\\udfff\"}],\"stream\":true}")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"model\":\"\\udc00\"}")]
    public async Task Strings_that_are_not_unicode_are_a_400(string body)
    {
        using var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _host.Http.PostAsync("/audio/chat/completions", content).WaitAsync(ServiceHost.Timeout);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(ServiceHost.Timeout);
        error.GetProperty("error").GetProperty("message").GetString().ShouldNotBeNullOrEmpty();
    }

    private static async Task<(int Status, string? Problem)> SendAsync(HttpClient http, FuzzBody body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/audio/chat/completions") { Content = new ByteArrayContent(body.Body) };
        request.Content.Headers.ContentType = body.ContentType is null ? null : MediaTypeHeaderValue.Parse(body.ContentType);
        if (body.Bearer)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "test-key");
        }

        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead).WaitAsync(ServiceHost.Timeout);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync().WaitAsync(ServiceHost.Timeout);
            if (status == 200)
            {
                return (status, text.Length > 0 ? null : "an empty 200");
            }

            if (status is not (400 or 401 or 413))
            {
                return (status, $"unexpected status: {Shorten(text)}");
            }

            try
            {
                using var doc = JsonDocument.Parse(text);
                var error = doc.RootElement.GetProperty("error");
                return error.GetProperty("message").GetString() is { Length: > 0 } && error.TryGetProperty("type", out _)
                    ? (status, null)
                    : (status, $"not an OpenAI error: {Shorten(text)}");
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                return (status, $"not an OpenAI error: {Shorten(text)}");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or TaskCanceledException)
        {
            return (0, $"no answer: {ex.GetType().Name} {ex.Message}");
        }
    }

    private static string Shorten(string s) => s.Length <= 200 ? s : s[..200];

    private static string Preview(byte[] body) => Shorten(System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 200)));
}
