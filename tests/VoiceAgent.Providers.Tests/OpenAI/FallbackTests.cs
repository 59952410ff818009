using System.ClientModel;
using Microsoft.Extensions.AI;
using Polly.CircuitBreaker;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Tests.Fakes;
using VoiceAgent.Providers.OpenAI;
using static VoiceAgent.Providers.Tests.OpenAI.OpenAIChatClientTests;

namespace VoiceAgent.Providers.Tests.OpenAI;

public sealed class FallbackTests
{
    private static readonly ChatMessage[] Hello = [new(ChatRole.User, "Hello")];

    [Fact]
    public async Task Refused_primary_is_retried_then_the_second_engine_answers()
    {
        await using var backup = FakeOpenAIServer.Start();
        var primary = TestEngines.Options($"http://127.0.0.1:{FakeOpenAIServer.FreePort()}/v1");
        var secondary = TestEngines.Options(backup.BaseUrl);
        using var meters = new TestMeterFactory();
        var metrics = new EngineMetrics(meters);
        using var counters = new EngineCounters(primary.Name);
        using var client = new FallbackChatClient(
        [
            OpenAIEngines.CreateChatClient(primary, metrics: metrics),
            OpenAIEngines.CreateChatClient(secondary, metrics: metrics),
        ], metrics);

        var updates = await Collect(client.GetStreamingResponseAsync(Hello)).WaitAsync(TestEngines.Limit);

        string.Concat(updates.Select(u => u.Text)).ShouldBe("Hello there.");
        counters["retries"].ShouldBe(2);
        counters["failures"].ShouldBe(1);
        counters["fallbacks"].ShouldBe(1);
        backup.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Open_breaker_falls_back_without_calling_the_primary()
    {
        await using var broken = FakeOpenAIServer.Start();
        await using var backup = FakeOpenAIServer.Start();
        broken.DefaultHandler = FakeResponses.Json(503, """{"error":{"message":"down","type":"server_error"}}""");
        var primary = TestEngines.Options(broken.BaseUrl);
        primary.MaxRetries = 0;
        var primaryEngine = OpenAIEngines.CreateChatClient(primary);
        using var client = new FallbackChatClient([primaryEngine, OpenAIEngines.CreateChatClient(TestEngines.Options(backup.BaseUrl))]);

        for (var i = 0; i < 4; i++)
        {
            (await client.GetResponseAsync(Hello).WaitAsync(TestEngines.Limit)).Text.ShouldBe("Hello there.");
        }

        primaryEngine.Resilience.BreakerState.ShouldBe(CircuitState.Open);
        var primaryCalls = broken.Requests.Count;
        (await Collect(client.GetStreamingResponseAsync(Hello)).WaitAsync(TestEngines.Limit)).ShouldNotBeEmpty();
        broken.Requests.Count.ShouldBe(primaryCalls);
    }

    [Fact]
    public async Task Failure_after_the_first_token_is_not_handed_to_the_next_engine()
    {
        await using var flaky = FakeOpenAIServer.Start();
        await using var backup = FakeOpenAIServer.Start();
        flaky.Then(FakeResponses.ChatStream(["Half", " a"], breakAfter: 1));
        using var client = new FallbackChatClient(
        [
            OpenAIEngines.CreateChatClient(TestEngines.Options(flaky.BaseUrl)),
            OpenAIEngines.CreateChatClient(TestEngines.Options(backup.BaseUrl)),
        ]);

        await Should.ThrowAsync<IOException>(Collect(client.GetStreamingResponseAsync(Hello)).WaitAsync(TestEngines.Limit));
        backup.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Every_engine_failing_names_each_in_the_error()
    {
        var a = TestEngines.Options($"http://127.0.0.1:{FakeOpenAIServer.FreePort()}/v1", "first");
        var b = TestEngines.Options($"http://127.0.0.1:{FakeOpenAIServer.FreePort()}/v1", "second");
        a.MaxRetries = b.MaxRetries = 0;
        using var client = new FallbackChatClient([OpenAIEngines.CreateChatClient(a), OpenAIEngines.CreateChatClient(b)]);

        var ex = await Should.ThrowAsync<AggregateException>(client.GetResponseAsync(Hello).WaitAsync(TestEngines.Limit));

        ex.Message.ShouldContain("first:");
        ex.Message.ShouldContain("second:");
        ex.InnerExceptions.ShouldAllBe(e => e is ClientResultException);
    }

    [Fact]
    public async Task Speech_falls_back_with_the_same_audio()
    {
        await using var broken = FakeOpenAIServer.Start();
        await using var backup = FakeOpenAIServer.Start();
        broken.DefaultHandler = FakeResponses.Json(401, """{"error":{"message":"bad key","type":"auth"}}""");
        using var client = new FallbackSpeechToTextClient(
        [
            OpenAIEngines.CreateSpeechToTextClient(TestEngines.Options(broken.BaseUrl)),
            OpenAIEngines.CreateSpeechToTextClient(TestEngines.Options(backup.BaseUrl)),
        ]);
        using var audio = new MemoryStream(FakeResponses.Tone(16_000, 100));

        (await client.GetTextAsync(audio).WaitAsync(TestEngines.Limit)).Text.ShouldBe("hello world");
        backup.Requests.Single().Body.Length.ShouldBeGreaterThan(3200);
    }

    [Fact]
    public async Task Text_to_speech_falls_back_before_the_first_update()
    {
        await using var backup = FakeOpenAIServer.Start();
        var dead = TestEngines.Options($"http://127.0.0.1:{FakeOpenAIServer.FreePort()}/v1");
        dead.MaxRetries = 0;
        var resamplers = new LinearResamplerFactory();
        using var client = new FallbackTextToSpeechClient(
        [
            OpenAIEngines.CreateTextToSpeechClient(dead, 16_000, resamplers),
            OpenAIEngines.CreateTextToSpeechClient(TestEngines.Options(backup.BaseUrl), 16_000, resamplers),
        ]);

        var updates = await Collect(client.GetStreamingAudioAsync("Hello there.")).WaitAsync(TestEngines.Limit);

        updates.SelectMany(u => u.Contents).OfType<DataContent>().ShouldNotBeEmpty();
        client.IsKnownVoice("alloy").ShouldBeTrue();
    }
}
