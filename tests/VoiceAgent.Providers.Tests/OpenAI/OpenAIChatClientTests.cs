using System.Text.Json;
using Microsoft.Extensions.AI;
using VoiceAgent.Providers.OpenAI;

namespace VoiceAgent.Providers.Tests.OpenAI;

public sealed class OpenAIChatClientTests
{
    private static readonly ChatMessage[] Conversation =
    [
        new(ChatRole.System, "You are terse."),
        new(ChatRole.User, "Hi"),
        new(ChatRole.Assistant, "Hello."),
        new(ChatRole.User, "Say hello"),
    ];

    [Fact]
    public async Task Streams_tokens_finish_reason_and_usage_and_sends_the_options()
    {
        await using var server = FakeOpenAIServer.Start();
        using var client = OpenAIEngines.CreateChatClient(TestEngines.Options(server.BaseUrl));
        var options = new ChatOptions { ModelId = "override-model", Temperature = 0.5f, TopP = 0.9f, MaxOutputTokens = 42 };

        var updates = await Collect(client.GetStreamingResponseAsync(Conversation, options)).WaitAsync(TestEngines.Limit);

        string.Concat(updates.Select(u => u.Text)).ShouldBe("Hello there.");
        updates.Select(u => u.FinishReason).ShouldContain(ChatFinishReason.Stop);
        var usage = updates.SelectMany(u => u.Contents).OfType<UsageContent>().Single();
        usage.Details.OutputTokenCount.ShouldBe(3);
        usage.Details.InputTokenCount.ShouldBe(7);

        using var body = JsonDocument.Parse(server.Requests.Single().Body);
        var root = body.RootElement;
        root.GetProperty("model").GetString().ShouldBe("override-model");
        root.GetProperty("stream").GetBoolean().ShouldBeTrue();
        root.GetProperty("temperature").GetDouble().ShouldBe(0.5, 1e-6);
        root.GetProperty("top_p").GetDouble().ShouldBe(0.9, 1e-6);
        root.GetProperty("max_completion_tokens").GetInt32().ShouldBe(42);
        root.GetProperty("stream_options").GetProperty("include_usage").GetBoolean().ShouldBeTrue();
        root.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()).ShouldBe(["system", "user", "assistant", "user"]);
    }

    [Fact]
    public async Task First_update_carries_text_not_the_role_only_chunk()
    {
        await using var server = FakeOpenAIServer.Start();
        using var client = new OpenAIChatClient(TestEngines.Options(server.BaseUrl));

        var updates = await Collect(client.GetStreamingResponseAsync(Conversation)).WaitAsync(TestEngines.Limit);

        updates[0].Text.ShouldBe("Hello");
    }

    [Fact]
    public async Task Non_streaming_returns_text_usage_and_length_finish()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Then(FakeResponses.ChatJson("Cut sho", "length"));
        using var client = OpenAIEngines.CreateChatClient(TestEngines.Options(server.BaseUrl));

        var response = await client.GetResponseAsync(Conversation).WaitAsync(TestEngines.Limit);

        response.Text.ShouldBe("Cut sho");
        response.FinishReason.ShouldBe(ChatFinishReason.Length);
        response.Usage!.TotalTokenCount.ShouldBe(10);
    }

    [Fact]
    public async Task Images_become_image_content_parts()
    {
        await using var server = FakeOpenAIServer.Start();
        using var client = new OpenAIChatClient(TestEngines.Options(server.BaseUrl));
        var message = new ChatMessage(ChatRole.User,
        [
            new TextContent("What is this?"),
            new DataContent(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, "image/png"),
            new UriContent(new Uri("https://example.com/cat.jpg"), "image/jpeg"),
        ]);

        await Collect(client.GetStreamingResponseAsync([message])).WaitAsync(TestEngines.Limit);

        using var body = JsonDocument.Parse(server.Requests.Single().Body);
        var parts = body.RootElement.GetProperty("messages")[0].GetProperty("content").EnumerateArray().ToList();
        parts.Select(p => p.GetProperty("type").GetString()).ShouldBe(["text", "image_url", "image_url"]);
        parts[1].GetProperty("image_url").GetProperty("url").GetString()!.ShouldStartWith("data:image/png;base64,");
        parts[2].GetProperty("image_url").GetProperty("url").GetString().ShouldBe("https://example.com/cat.jpg");
    }

    [Fact]
    public async Task Bearer_mode_sends_authorization_and_extra_headers()
    {
        await using var server = FakeOpenAIServer.Start();
        var options = TestEngines.Options(server.BaseUrl);
        options.Headers["X-Tenant"] = "blue";
        using var client = OpenAIEngines.CreateChatClient(options);

        await client.GetResponseAsync(Conversation).WaitAsync(TestEngines.Limit);

        var request = server.Requests.Single();
        request.Header("Authorization").ShouldBe("Bearer sk-test-secret");
        request.Header("api-key").ShouldBeNull();
        request.Header("X-Tenant").ShouldBe("blue");
    }

    [Fact]
    public async Task Azure_mode_sends_api_key_header_and_no_authorization()
    {
        await using var server = FakeOpenAIServer.Start();
        var options = TestEngines.Options(server.BaseUrl);
        options.AzureApiKeyHeader = true;
        using var client = OpenAIEngines.CreateChatClient(options);

        await Collect(client.GetStreamingResponseAsync(Conversation)).WaitAsync(TestEngines.Limit);

        var request = server.Requests.Single();
        request.Header("api-key").ShouldBe("sk-test-secret");
        request.Header("Authorization").ShouldBeNull();
    }

    [Fact]
    public async Task Keyless_server_gets_no_credentials()
    {
        await using var server = FakeOpenAIServer.Start();
        var options = TestEngines.Options(server.BaseUrl);
        options.ApiKey = null;
        using var client = OpenAIEngines.CreateChatClient(options);

        await client.GetResponseAsync(Conversation).WaitAsync(TestEngines.Limit);

        server.Requests.Single().Header("Authorization").ShouldBeNull();
    }

    [Fact]
    public async Task Garbage_json_is_a_clear_error_and_not_retried()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Then(FakeResponses.Garbage("text/event-stream", "data: {not json at all\n\n"));
        var options = TestEngines.Options(server.BaseUrl);
        using var client = OpenAIEngines.CreateChatClient(options);

        var ex = await Should.ThrowAsync<InvalidDataException>(Collect(client.GetStreamingResponseAsync(Conversation)).WaitAsync(TestEngines.Limit));

        ex.Message.ShouldContain("malformed");
        ex.Message.ShouldContain(options.Name);
        server.Requests.Count.ShouldBe(1);
    }

    internal static async Task<List<T>> Collect<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
