using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Api.Tests.VoiceCall;

/// <summary>PROTOCOLS.md §2 on the real host with the embedded engines and a real ClientWebSocket.</summary>
public sealed class VoiceCallTests : IAsyncLifetime
{
    private static readonly byte[] Question = TestAudio.FlitePcm("what is twelve times seven", silenceMs: 1200);
    private ServiceHost _host = null!;
    private CountingChatClient _llm = null!;

    public async Task InitializeAsync()
    {
        _host = await ServiceHost.StartAsync(services: s =>
        {
            s.AddSingleton(sp => new CountingChatClient(sp.GetRequiredKeyedService<IChatClient>("Embedded")));
            s.AddSingleton<IChatClient>(sp => sp.GetRequiredService<RecordingChatClient>());
            s.AddSingleton(sp => new RecordingChatClient(sp.GetRequiredService<CountingChatClient>()));
        });
        _llm = _host.Service<CountingChatClient>();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_spoken_question_gets_captions_sentences_before_their_audio_and_turn_end()
    {
        await using var call = await VoiceCallClient.ConnectAsync(_host);
        var session = $"t-{Guid.NewGuid():N}";
        await call.StreamAsync(session, Question);
        var end = await call.WaitForAsync("turn_end");

        var frames = call.All.ToList();
        var s = frames.FindIndex(r => Type(r) == "session");
        s.ShouldBe(0);
        frames[0].Json!.Value.GetProperty("session_id").GetString().ShouldBe(session);
        frames[0].Json!.Value.GetProperty("sample_rate").GetInt32().ShouldBe(16_000);

        var asr = frames.Where(r => Type(r) == "asr").Select(r => r.Json!.Value).ToList();
        asr.Count(a => !a.GetProperty("final").GetBoolean()).ShouldBeGreaterThan(0, "partials while speaking");
        var final = asr.Single(a => a.GetProperty("final").GetBoolean());
        asr[^1].ShouldBe(final);
        final.GetProperty("msg").GetString()!.ShouldContain("twelve");

        // Every sentence's text frame comes just before its audio; all audio follows a text frame.
        var firstText = frames.FindIndex(r => Type(r) == "text");
        firstText.ShouldBeGreaterThan(frames.IndexOf(frames.First(r => Type(r) == "asr" && r.Json!.Value.GetProperty("final").GetBoolean())));
        frames.FindIndex(r => r.Binary is not null).ShouldBe(firstText + 1);
        frames.Where(r => r.Binary is not null).ShouldAllBe(r => r.Binary!.Length <= 1280 && r.Binary.Length % 2 == 0);
        frames.Count(r => r.Binary is not null).ShouldBeGreaterThan(10);
        frames.IndexOf(end).ShouldBeGreaterThan(frames.FindLastIndex(r => r.Binary is not null));

        var latency = end.Json!.Value.GetProperty("latency_ms");
        latency.GetProperty("first_audio").GetDouble().ShouldBeGreaterThan(0);
        latency.GetProperty("asr_final").GetDouble().ShouldBeLessThanOrEqualTo(latency.GetProperty("first_audio").GetDouble());
        end.Json!.Value.GetProperty("turn_id").GetInt64().ShouldBe(final.GetProperty("turn_id").GetInt64());

        // A second question has the first exchange as context, and history holds both turns.
        await call.StreamAsync(session, Question, seed: 2);
        await call.WaitForAsync("turn_end", j => j.GetProperty("turn_id").GetInt64() > final.GetProperty("turn_id").GetInt64());
        var requests = _host.Service<RecordingChatClient>().Requests;
        requests.Count.ShouldBe(2);
        requests[1].Count.ShouldBe(3);
        requests[1][0].Text.ShouldBe(final.GetProperty("msg").GetString());
        var stored = await _host.Service<IConversationStore>().GetAsync(session);
        stored!.Messages.Count.ShouldBe(4);
    }

    [Fact]
    public async Task Is_close_finishes_the_turn_in_progress_then_closes_1000()
    {
        await using var call = await VoiceCallClient.ConnectAsync(_host);
        var speech = TestAudio.FlitePcm("what is twelve times seven", silenceMs: 100);
        await call.StreamAsync("close-test", speech, pace: false);
        await call.SendJsonAsync(new { meta_info = new { session_id = "close-test" }, is_close = true });
        await call.WaitForCloseAsync();
        call.CloseStatus.ShouldBe(WebSocketCloseStatus.NormalClosure);
        call.Json("turn_end").ShouldHaveSingleItem();
        call.Json("text").ShouldNotBeEmpty();
    }

    [Theory]
    [InlineData("{not json", 400, "Malformed JSON")]
    [InlineData("[1,2,3]", 400, "must be a JSON object")]
    [InlineData("\"hello\"", 400, "must be a JSON object")]
    [InlineData("{\"audio\":\"!!!notbase64!!!\",\"meta_info\":{\"session_id\":\"bad\",\"encoding\":\"raw\"}}", 400, "not valid base64")]
    [InlineData("{\"audio\":\"AA==\",\"meta_info\":{\"session_id\":\"bad\",\"encoding\":\"raw\"}}", 400, "even number of bytes")]
    [InlineData("{\"audio\":\"AAEC\",\"meta_info\":{\"session_id\":\"bad\",\"encoding\":\"raw\"}}", 400, "even number of bytes")]
    [InlineData("{\"audio\":42,\"meta_info\":{\"session_id\":\"bad\"}}", 400, "'audio' must be a base64 string")]
    [InlineData("{\"audio\":\"AAAA\",\"meta_info\":\"x\"}", 400, "'meta_info' must be an object")]
    [InlineData("{\"meta_info\":{\"session_id\":7}}", 400, "session_id' must be a string")]
    [InlineData("{\"audio\":\"AAAA\",\"meta_info\":{\"session_id\":\"bad\"},\"is_close\":\"yes\"}", 400, "'is_close' must be true or false")]
    [InlineData("{\"audio\":\"AAAA\",\"meta_info\":{\"session_id\":\"bad\",\"encoding\":\"opus\"}}", 415, "not supported")]
    public async Task Each_bad_frame_gets_one_error_and_the_call_goes_on(string frame, int code, string message)
    {
        await using var call = await VoiceCallClient.ConnectAsync(_host);
        await call.SendJsonAsync(new { meta_info = new { session_id = "bad" } });
        await call.WaitForAsync("session");
        await call.SendTextAsync(frame);
        var error = await call.WaitForAsync("error");
        error.Json!.Value.GetProperty("code").GetInt32().ShouldBe(code);
        error.Json!.Value.GetProperty("msg").GetString()!.ShouldContain(message);

        // The call goes on: a heartbeat passes silently, then is_close ends it normally.
        await call.SendTextAsync("{}");
        await call.SendJsonAsync(new { meta_info = new { session_id = "bad" }, is_close = true });
        await call.WaitForCloseAsync();
        call.CloseStatus.ShouldBe(WebSocketCloseStatus.NormalClosure);
        call.Json("error").ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Binary_audio_odd_lengths_missing_session_and_a_second_session_id_are_errors_not_disconnects()
    {
        await using var call = await VoiceCallClient.ConnectAsync(_host);
        await call.SendAudioAsync("", new byte[] { 0, 0 });
        (await call.WaitForAsync("error")).Json!.Value.GetProperty("msg").GetString()!.ShouldContain("must not be empty");
        await call.SendJsonAsync(new { audio = Convert.ToBase64String(new byte[640]) });
        (await call.WaitForAsync("error")).Json!.Value.GetProperty("msg").GetString()!.ShouldContain("session_id is required");
        await call.SendJsonAsync(new { meta_info = new { session_id = "first" } });
        await call.WaitForAsync("session");
        await call.SendBinaryAsync(new byte[641]);
        (await call.WaitForAsync("error")).Json!.Value.GetProperty("msg").GetString()!.ShouldContain("even number");
        await call.SendBinaryAsync(new byte[640]);
        await call.SendAudioAsync("second", new byte[640]);
        (await call.WaitForAsync("error")).Json!.Value.GetProperty("msg").GetString()!.ShouldContain("belongs to session 'first'");
        await call.SendAudioAsync("first", new byte[64_000]);
        (await call.WaitForAsync("error")).Json!.Value.GetProperty("code").GetInt32().ShouldBe(413);
        call.Socket.State.ShouldBe(WebSocketState.Open);
    }

    [Fact]
    public async Task A_frame_over_the_size_limit_closes_1009()
    {
        await using var call = await VoiceCallClient.ConnectAsync(_host);
        await call.SendTextAsync("{\"x\":\"" + new string('a', 200_000) + "\"}");
        await call.WaitForCloseAsync();
        call.CloseStatus.ShouldBe(WebSocketCloseStatus.MessageTooBig);
    }

    [Fact]
    public async Task The_token_may_come_in_the_query_string()
    {
        await using var call = await VoiceCallClient.ConnectAsync(_host, "?token=anything", bearer: false);
        await call.SendJsonAsync(new { meta_info = new { session_id = "q" } });
        await call.WaitForAsync("session");
    }

    private static string? Type(VoiceCallClient.Received r) => r.Json?.GetProperty("type").GetString();
}

/// <summary>Records the messages of every LLM request.</summary>
public sealed class RecordingChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    public List<List<ChatMessage>> Requests { get; } = [];

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        lock (Requests)
        {
            Requests.Add([.. messages]);
        }

        return base.GetStreamingResponseAsync(messages, options, cancellationToken);
    }
}
