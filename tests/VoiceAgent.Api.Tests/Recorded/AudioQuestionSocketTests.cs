using System.Text.Json;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Api.Tests.Recorded;

/// <summary><c>/v1/chat/audio</c> on the real host with the embedded engines: a flite question uploaded as 8 KB packets.</summary>
public sealed class AudioQuestionSocketTests : IAsyncLifetime
{
    private static readonly Lazy<byte[]> Question = new(() => TestAudio.FliteWav("what is twelve times seven"));

    private static readonly string[] Expected =
    [
        "connected", "packet_ack", "transcription_started", "chat_started", "chat_chunk", "tts_started",
        "audio_stream:data", "audio_stream:finished", "chat_tts_complete", "audio_complete",
    ];

    private readonly DirectoryInfo _uploads = Directory.CreateTempSubdirectory("va-uploads-");
    private ServiceHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await ServiceHost.StartAsync(new Dictionary<string, string?> { ["VoiceAgent:Recorded:StoragePath"] = _uploads.FullName });

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _uploads.Delete(true);
    }

    [Fact]
    public async Task A_question_sent_in_order_is_transcribed_answered_spoken_and_saved()
    {
        await using var client = await RecordedSocketClient.ConnectAsync(_host, "/v1/chat/audio?session_id=recorded-in-order");
        var packets = RecordedSocketClient.Packets(Question.Value, 8192);
        packets.Count.ShouldBeGreaterThan(3);
        await client.SendAllAsync(packets);
        var complete = await client.WaitForAsync("audio_complete");

        client.Describe().ShouldBe(string.Join(", ", Expected));
        client.Events("connected").Single().GetProperty("session_id").GetString().ShouldBe("recorded-in-order");
        client.Events("packet_ack").Select(a => a.GetProperty("received").GetInt32()).ShouldBe(Enumerable.Range(1, packets.Count));
        client.Events("packet_ack").Select(a => a.GetProperty("seq").GetInt32()).ShouldBe(Enumerable.Range(1, packets.Count));
        client.Events("packet_ack").ShouldAllBe(a => a.GetProperty("total").GetInt32() == packets.Count);
        AssertAnswer(client, complete, packets.Count);

        File.Exists(Path.Combine(_uploads.FullName, "default", complete.GetProperty("filename").GetString()!)).ShouldBeTrue();
        var stored = await _host.Service<IConversationStore>().GetAsync("recorded-in-order").WaitAsync(ServiceHost.Timeout);
        stored!.Messages.Select(m => m.Role).ShouldBe([StoredMessage.UserRole, StoredMessage.AssistantRole]);
        stored.Messages[0].Text.ShouldContain("twelve");
        stored.Messages[1].Text.ShouldContain("84");
    }

    [Fact]
    public async Task A_recorded_question_socket_counts_as_a_session_in_the_metrics()
    {
        await using (var client = await RecordedSocketClient.ConnectAsync(_host, "/v1/chat/audio"))
        {
            await client.WaitForAsync("connected");
        }

        var text = await _host.Http.GetStringAsync("/metrics").WaitAsync(ServiceHost.Timeout);
        text.ShouldContain("voiceagent_sessions_total{kind=\"recorded\"} 1");
    }

    [Fact]
    public async Task Shuffled_packets_with_a_duplicate_are_assembled_and_the_duplicate_is_counted_once()
    {
        await using var client = await RecordedSocketClient.ConnectAsync(_host, "/v1/chat/audio");
        var packets = RecordedSocketClient.Packets(Question.Value, 8192);
        var shuffled = packets.OrderBy(_ => Random.Shared.Next()).ToList();
        shuffled.Insert(shuffled.Count - 1, shuffled[0]); // a resend of the first packet before the upload completes
        var first = JsonSerializer.SerializeToElement(shuffled[0]).GetProperty("seq").GetInt32();
        shuffled[0] = new { seq = first, total = packets.Count, data = JsonSerializer.SerializeToElement(shuffled[0]).GetProperty("data").GetString(), session_id = "recorded-shuffled" };
        await client.SendAllAsync(shuffled);
        var complete = await client.WaitForAsync("audio_complete");

        client.Describe().ShouldBe(string.Join(", ", Expected));
        var acks = client.Events("packet_ack");
        acks.Count.ShouldBe(packets.Count + 1);
        var duplicate = acks.Single(a => a.TryGetProperty("duplicate", out var d) && d.GetBoolean());
        duplicate.GetProperty("seq").GetInt32().ShouldBe(first);
        duplicate.GetProperty("received").GetInt32().ShouldBe(packets.Count - 1, "a duplicate is acknowledged without being counted");
        acks.Where(a => !a.TryGetProperty("duplicate", out _)).Select(a => a.GetProperty("received").GetInt32()).ShouldBe(Enumerable.Range(1, packets.Count));
        acks.Select(a => a.GetProperty("seq").GetInt32()).Distinct().Order().ShouldBe(Enumerable.Range(1, packets.Count));
        AssertAnswer(client, complete, packets.Count);
        complete.GetProperty("session_id").GetString().ShouldBe("recorded-shuffled");
        var stored = await _host.Service<IConversationStore>().GetAsync("recorded-shuffled").WaitAsync(ServiceHost.Timeout);
        stored!.Messages.Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_missing_packet_is_named_at_the_end_and_nothing_is_answered()
    {
        await using var client = await RecordedSocketClient.ConnectAsync(_host, "/v1/chat/audio");
        var packets = RecordedSocketClient.Packets(Question.Value, 8192);
        packets.RemoveAt(2);
        await client.SendAllAsync(packets);
        await client.SendAsync(new { type = "end" });
        var error = await client.WaitForAsync("error");

        error.GetProperty("code").GetString().ShouldBe("missing_packets");
        error.GetProperty("missing").EnumerateArray().Select(m => m.GetInt32()).ShouldBe([3]);
        error.GetProperty("message").GetString()!.ShouldContain("missing: 3");
        client.Events("packet_ack").Count.ShouldBe(packets.Count);
        client.Events("transcription_started").ShouldBeEmpty();
    }

    [Fact]
    public async Task Bad_packets_get_error_events_and_the_connection_goes_on()
    {
        await using var client = await RecordedSocketClient.ConnectAsync(_host, "/v1/chat/audio");
        await client.SendAsync(new { seq = 1, total = 2, data = Convert.ToBase64String(new byte[9000]) });
        (await client.WaitForAsync("error")).GetProperty("code").GetString().ShouldBe("packet_too_large");
        await client.SendAsync(new { seq = 1, total = 2, data = "not base64!" });
        (await client.WaitForAsync("error")).GetProperty("code").GetString().ShouldBe("bad_base64");
        await client.SendAsync(new { seq = 0, total = 2, data = "AAAA" });
        (await client.WaitForAsync("error")).GetProperty("code").GetString().ShouldBe("seq_out_of_range");
        await client.SendAsync(new { seq = 1, total = 2, data = "AAAA" });
        (await client.WaitForAsync("packet_ack")).GetProperty("received").GetInt32().ShouldBe(1);
        await client.SendAsync(new { seq = 2, total = 3, data = "AAAA" });
        var inconsistent = await client.WaitForAsync("error");
        inconsistent.GetProperty("code").GetString().ShouldBe("inconsistent_total");
        inconsistent.GetProperty("seq").GetInt32().ShouldBe(2);
        await client.SendAsync(new { seq = 1, total = 2, data = "BBBB" });
        (await client.WaitForAsync("error")).GetProperty("code").GetString().ShouldBe("conflicting_duplicate");
        client.Events("packet_ack").Count.ShouldBe(1);
        client.CloseStatus.ShouldBeNull();
    }

    [Fact]
    public async Task Without_an_api_key_the_socket_is_closed_with_1008()
    {
        await using var client = await RecordedSocketClient.ConnectAsync(_host, "/v1/chat/audio", bearer: false);
        await client.WaitForCloseAsync();
        client.CloseStatus.ShouldBe(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation);
    }

    private static void AssertAnswer(RecordedSocketClient client, JsonElement complete, int packets)
    {
        client.Events("chat_started").Single().GetProperty("user_message").GetString()!.ShouldContain("twelve");
        var chunks = client.Events("chat_chunk");
        var text = "";
        foreach (var c in chunks)
        {
            text += c.GetProperty("chunk").GetString();
            c.GetProperty("full_response").GetString().ShouldBe(text);
        }

        text.ShouldContain("84");
        var audio = client.Events("audio_stream").Where(a => a.GetProperty("event").GetString() == "data").Sum(a => Convert.FromBase64String(a.GetProperty("data").GetString()!).Length);
        audio.ShouldBeGreaterThan(16_000);
        client.Events("tts_started").Single().GetProperty("sample_rate").GetInt32().ShouldBe(16_000);

        var tts = client.Events("chat_tts_complete").Single();
        tts.GetProperty("assistant_response").GetString().ShouldBe(text);
        tts.GetProperty("tts_success").GetBoolean().ShouldBeTrue();
        tts.GetProperty("segments_count").GetInt32().ShouldBeGreaterThan(0);
        tts.GetProperty("db_saved").GetBoolean().ShouldBeTrue();

        complete.GetProperty("size").GetInt32().ShouldBe(Question.Value.Length);
        complete.GetProperty("packets").GetInt32().ShouldBe(packets);
        complete.GetProperty("duration").GetDouble().ShouldBeGreaterThan(0.5);
        complete.GetProperty("transcription_success").GetBoolean().ShouldBeTrue();
        complete.GetProperty("transcription_text").GetString()!.ShouldContain("twelve");
        complete.GetProperty("chat_success").GetBoolean().ShouldBeTrue();
        complete.GetProperty("assistant_response").GetString().ShouldBe(text);
        complete.GetProperty("tts_success").GetBoolean().ShouldBeTrue();
        complete.GetProperty("db_saved").GetBoolean().ShouldBeTrue();
    }
}
