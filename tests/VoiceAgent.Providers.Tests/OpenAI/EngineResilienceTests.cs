using System.ClientModel;
using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using Polly.CircuitBreaker;
using Polly.Timeout;
using VoiceAgent.Pipeline.Tests.Fakes;
using VoiceAgent.Providers.OpenAI;
using static VoiceAgent.Providers.Tests.OpenAI.OpenAIChatClientTests;

namespace VoiceAgent.Providers.Tests.OpenAI;

public sealed class EngineResilienceTests : IDisposable
{
    private static readonly ChatMessage[] Hello = [new(ChatRole.User, "Hello")];

    // What the counters read: an engine measures only with the host's metrics.
    private readonly TestMeterFactory _meters = new();
    private readonly EngineMetrics _metrics;

    public EngineResilienceTests() => _metrics = new EngineMetrics(_meters);

    public void Dispose() => _meters.Dispose();

    [Fact]
    public async Task Http_429_with_retry_after_is_retried_after_the_servers_delay()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Then(FakeResponses.Json(429, """{"error":{"message":"slow down","type":"rate_limit"}}""", ("Retry-After", "1")));
        var options = TestEngines.Options(server.BaseUrl);
        var retries = new ConcurrentQueue<EngineRetryEvent>();
        using var counters = new EngineCounters(options.Name);
        using var client = Resilient(options, retries.Enqueue);

        var updates = await Collect(client.GetStreamingResponseAsync(Hello)).WaitAsync(TestEngines.Limit);

        string.Concat(updates.Select(u => u.Text)).ShouldBe("Hello there.");
        var retry = retries.ShouldHaveSingleItem();
        retry.Delay.ShouldBe(TimeSpan.FromSeconds(1)); // the server's Retry-After, not the 10 ms backoff
        retry.Failure.ShouldBeOfType<ClientResultException>().Status.ShouldBe(429);
        server.Requests.Count.ShouldBe(2);
        counters["retries"].ShouldBe(1);
        counters["failures"].ShouldBe(0);
    }

    [Fact]
    public async Task Retry_after_longer_than_the_cap_fails_at_once()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Then(FakeResponses.Json(429, """{"error":{"message":"later","type":"rate_limit"}}""", ("Retry-After", "120")));
        var options = TestEngines.Options(server.BaseUrl);
        using var client = Resilient(options);

        var ex = await Should.ThrowAsync<ClientResultException>(client.GetResponseAsync(Hello).WaitAsync(TestEngines.Limit));

        ex.Status.ShouldBe(429);
        server.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Http_500_is_retried_once_then_succeeds()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Then(FakeResponses.Json(500, """{"error":{"message":"boom","type":"server_error"}}"""));
        var options = TestEngines.Options(server.BaseUrl);
        using var counters = new EngineCounters(options.Name);
        using var client = Resilient(options);

        var response = await client.GetResponseAsync(Hello).WaitAsync(TestEngines.Limit);

        response.Text.ShouldBe("Hello there.");
        server.Requests.Count.ShouldBe(2);
        counters["retries"].ShouldBe(1);
        counters["calls"].ShouldBe(1);
    }

    [Fact]
    public async Task Http_400_is_not_retried()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Then(FakeResponses.Json(400, """{"error":{"message":"bad","type":"invalid_request_error"}}"""));
        using var client = Resilient(TestEngines.Options(server.BaseUrl));

        (await Should.ThrowAsync<ClientResultException>(client.GetResponseAsync(Hello).WaitAsync(TestEngines.Limit))).Status.ShouldBe(400);
        server.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_server_that_hangs_times_out_per_attempt_and_fails_quickly()
    {
        await using var server = FakeOpenAIServer.Start();
        server.DefaultHandler = FakeResponses.Hang(server.Stopping);
        var options = TestEngines.Options(server.BaseUrl);
        options.Timeout = TimeSpan.FromMilliseconds(300);
        options.MaxRetries = 1;
        using var counters = new EngineCounters(options.Name);
        using var client = Resilient(options);
        var clock = Stopwatch.StartNew();

        await Should.ThrowAsync<TimeoutRejectedException>(Collect(client.GetStreamingResponseAsync(Hello)).WaitAsync(TestEngines.Limit));

        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10)); // two 300 ms attempts, not a hung call
        server.Requests.Count.ShouldBe(2);
        counters["failures"].ShouldBe(1);
    }

    [Fact]
    public async Task A_stream_that_breaks_after_tokens_fails_without_retry()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Then(FakeResponses.ChatStream(["One", " two", " three"], breakAfter: 2));
        var options = TestEngines.Options(server.BaseUrl);
        using var counters = new EngineCounters(options.Name);
        using var client = Resilient(options);
        var received = new List<string>();

        async Task ReadAll()
        {
            await foreach (var u in client.GetStreamingResponseAsync(Hello))
            {
                received.Add(u.Text);
            }
        }

        Exception? failure = null;
        try
        {
            await ReadAll().WaitAsync(TestEngines.Limit);
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        failure.ShouldNotBeNull().ShouldNotBeAssignableTo<OperationCanceledException>();
        failure.ShouldNotBeAssignableTo<TimeoutException>();
        received.ShouldBe(["One", " two"]);
        server.Requests.Count.ShouldBe(1);
        counters["failures"].ShouldBe(1);
        counters["retries"].ShouldBe(0);
    }

    [Fact]
    public async Task Connection_refused_is_retried_then_fails()
    {
        var options = TestEngines.Options($"http://127.0.0.1:{FakeOpenAIServer.FreePort()}/v1");
        using var counters = new EngineCounters(options.Name);
        using var client = Resilient(options);

        var ex = await Should.ThrowAsync<ClientResultException>(Collect(client.GetStreamingResponseAsync(Hello)).WaitAsync(TestEngines.Limit));

        ex.Status.ShouldBe(0); // no response: a transport error
        counters["retries"].ShouldBe(2);
        counters["failures"].ShouldBe(1);
    }

    [Fact]
    public async Task Breaker_opens_after_repeated_failures_and_then_fails_fast()
    {
        await using var server = FakeOpenAIServer.Start();
        server.DefaultHandler = FakeResponses.Json(503, """{"error":{"message":"down","type":"server_error"}}""");
        var options = TestEngines.Options(server.BaseUrl);
        options.MaxRetries = 0;
        using var resilience = new EngineResilience(options.Name, TestEngines.Resilience(options), metrics: _metrics);
        using var client = new ResilientChatClient(new OpenAIChatClient(options), resilience);

        for (var i = 0; i < 4; i++)
        {
            await Should.ThrowAsync<ClientResultException>(client.GetResponseAsync(Hello).WaitAsync(TestEngines.Limit));
        }

        resilience.BreakerState.ShouldBe(CircuitState.Open);
        var before = server.Requests.Count;
        await Should.ThrowAsync<BrokenCircuitException>(Collect(client.GetStreamingResponseAsync(Hello)).WaitAsync(TestEngines.Limit));
        server.Requests.Count.ShouldBe(before); // refused without a request
    }

    [Fact]
    public async Task Caller_cancellation_is_neither_retried_nor_a_failure()
    {
        await using var server = FakeOpenAIServer.Start();
        server.DefaultHandler = FakeResponses.Hang(server.Stopping);
        var options = TestEngines.Options(server.BaseUrl);
        options.MaxRetries = 3;
        using var counters = new EngineCounters(options.Name);
        using var resilience = new EngineResilience(options.Name, TestEngines.Resilience(options), metrics: _metrics);
        using var client = new ResilientChatClient(new OpenAIChatClient(options), resilience);

        for (var i = 0; i < 5; i++)
        {
            using var barge = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            await Should.ThrowAsync<OperationCanceledException>(Collect(client.GetStreamingResponseAsync(Hello, cancellationToken: barge.Token)).WaitAsync(TestEngines.Limit));
        }

        counters["calls"].ShouldBe(5);
        counters["failures"].ShouldBe(0);
        counters["retries"].ShouldBe(0);
        resilience.BreakerState.ShouldBe(CircuitState.Closed);
    }

    private ResilientChatClient Resilient(OpenAIEngineOptions options, Action<EngineRetryEvent>? onRetry = null) =>
        new(new OpenAIChatClient(options), new EngineResilience(options.Name, TestEngines.Resilience(options, onRetry), metrics: _metrics));
}
