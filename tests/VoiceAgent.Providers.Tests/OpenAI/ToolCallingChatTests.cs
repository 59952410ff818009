using System.Text.Json;
using Microsoft.Extensions.AI;
using VoiceAgent.Providers.OpenAI;

namespace VoiceAgent.Providers.Tests.OpenAI;

/// <summary>The adapter and the function-invoking client against a server that streams tool calls as OpenAI does.</summary>
public sealed class ToolCallingChatTests
{
    [Fact]
    public async Task Argument_fragments_become_one_function_call_with_its_arguments()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Then(FakeResponses.ToolCallStream("call_1", "get_weather", ["{\"ci", "ty\":\"Pa", "ris\"}"]));
        using var client = OpenAIEngines.CreateChatClient(TestEngines.Options(server.BaseUrl));
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create((string city) => "sunny", "get_weather")] };

        var updates = await OpenAIChatClientTests.Collect(client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Weather?")], options)).WaitAsync(TestEngines.Limit);

        var call = updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().Single();
        call.CallId.ShouldBe("call_1");
        call.Name.ShouldBe("get_weather");
        call.Arguments!["city"]!.ToString().ShouldBe("Paris");
        updates.Select(u => u.FinishReason).ShouldContain(ChatFinishReason.ToolCalls);
        using var body = JsonDocument.Parse(server.Requests.Single().Body);
        body.RootElement.GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString().ShouldBe("get_weather");
    }

    [Fact]
    public async Task The_function_invoking_chain_runs_the_tool_and_sends_its_result_back_by_call_id()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Then(FakeResponses.ToolCallStream("call_7", "get_weather", ["{\"city\":", "\"Oslo\"}"]))
            .Then(FakeResponses.ChatStream(["It is ", "snowing."]));
        using var engine = OpenAIEngines.CreateChatClient(TestEngines.Options(server.BaseUrl));
        using var chain = new ChatClientBuilder(engine).UseFunctionInvocation().Build();
        string? asked = null;
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create((string city) => { asked = city; return "snow, -3 C"; }, "get_weather")] };

        var updates = await OpenAIChatClientTests.Collect(chain.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Weather in Oslo?")], options)).WaitAsync(TestEngines.Limit);

        asked.ShouldBe("Oslo");
        string.Concat(updates.Select(u => u.Text)).ShouldBe("It is snowing.");
        var second = server.Requests.ToArray()[1];
        using var body = JsonDocument.Parse(second.Body);
        var messages = body.RootElement.GetProperty("messages").EnumerateArray().ToList();
        messages[1].GetProperty("tool_calls")[0].GetProperty("id").GetString().ShouldBe("call_7");
        messages[2].GetProperty("role").GetString().ShouldBe("tool");
        messages[2].GetProperty("tool_call_id").GetString().ShouldBe("call_7");
        messages[2].GetProperty("content").GetString()!.ShouldContain("snow, -3 C");
    }

    [Fact]
    public async Task A_malformed_tool_call_stream_is_a_clear_error()
    {
        await using var server = FakeOpenAIServer.Start();
        server.Then(FakeResponses.Garbage("text/event-stream", "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":\"x\"}]}}]}\n\n"));
        var options = TestEngines.Options(server.BaseUrl);
        using var client = OpenAIEngines.CreateChatClient(options);

        var ex = await Should.ThrowAsync<InvalidDataException>(OpenAIChatClientTests.Collect(client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")])).WaitAsync(TestEngines.Limit));

        ex.Message.ShouldContain(options.Name);
    }
}
