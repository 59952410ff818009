using System.Text.Json;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Api.Tests.Recorded;

/// <summary><c>/v1/chat/vlm</c>: the question and the image reach a vision model; an engine that cannot see says so.</summary>
public sealed class VlmQuestionSocketTests
{
    private static readonly Lazy<byte[]> Question = new(() => TestAudio.FliteWav("what is twelve times seven"));

    /// <summary>A PNG signature and 70 KB after it: two 50 KB packets. The fake model never decodes it.</summary>
    private static readonly byte[] Image = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7))];

    [Fact]
    public async Task The_transcribed_question_and_the_image_are_sent_to_a_vision_model_and_the_answer_is_spoken()
    {
        await using var model = FakeVisionModel.Start();
        var uploads = Directory.CreateTempSubdirectory("va-uploads-");
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?>
        {
            ["VoiceAgent:Llm:Provider"] = "OpenAI",
            ["VoiceAgent:Llm:OpenAI:BaseUrl"] = model.BaseUrl,
            ["VoiceAgent:Llm:OpenAI:ApiKey"] = "vision-key",
            ["VoiceAgent:Llm:OpenAI:Model"] = "vision-test",
            ["VoiceAgent:Llm:Vision"] = "true",
            ["VoiceAgent:Recorded:StoragePath"] = uploads.FullName,
        });
        await using var client = await RecordedSocketClient.ConnectAsync(host, "/v1/chat/vlm?session_id=vlm-1");
        var audio = RecordedSocketClient.Packets(Question.Value, 50 * 1024, "audio");
        var image = RecordedSocketClient.Packets(Image, 50 * 1024, "image");
        image.Count.ShouldBe(2);
        await client.SendAllAsync([image[1], .. audio, image[0]]);
        await client.SendAsync(new { type = "end" });
        var complete = await client.WaitForAsync("vlm_complete");

        client.Describe().ShouldBe(
            "connected, packet_ack, transcription_started, vlm_chat_started, vlm_chat_chunk, tts_started, " +
            "audio_stream:data, audio_stream:finished, vlm_chat_tts_complete, vlm_complete");
        client.Events("packet_ack").Where(a => a.GetProperty("type").GetString() == "image").Select(a => a.GetProperty("received").GetInt32()).ShouldBe([1, 2]);
        var started = client.Events("vlm_chat_started").Single();
        var question = started.GetProperty("user_message").GetString()!;
        question.ShouldContain("twelve");
        started.GetProperty("image_file").GetString()!.ShouldEndWith(".png");

        // Other requests (a start-up warm-up) carry no image; exactly one carries the question.
        var request = model.Requests.Single(r => r.GetRawText().Contains("image_url", StringComparison.Ordinal));
        var user = request.GetProperty("messages").EnumerateArray().Last();
        user.GetProperty("role").GetString().ShouldBe("user");
        var parts = user.GetProperty("content").EnumerateArray().ToList();
        parts.ShouldContain(p => p.GetProperty("type").GetString() == "text" && p.GetProperty("text").GetString() == question);
        var imagePart = parts.Single(p => p.GetProperty("type").GetString() == "image_url");
        imagePart.GetProperty("image_url").GetProperty("url").GetString().ShouldBe("data:image/png;base64," + Convert.ToBase64String(Image));

        client.Events("vlm_chat_chunk")[^1].GetProperty("full_response").GetString().ShouldBe("I see a red square.");
        client.Events("vlm_chat_tts_complete").Single().GetProperty("assistant_response").GetString().ShouldBe("I see a red square.");
        client.Events("audio_stream").Count(a => a.GetProperty("event").GetString() == "data").ShouldBeGreaterThan(5);
        complete.GetProperty("image_size").GetInt32().ShouldBe(Image.Length);
        complete.GetProperty("audio_size").GetInt32().ShouldBe(Question.Value.Length);
        complete.GetProperty("transcription").GetString().ShouldBe(question);
        complete.GetProperty("vlm_response").GetString().ShouldBe("I see a red square.");
        complete.GetProperty("db_saved").GetBoolean().ShouldBeTrue();
        (await File.ReadAllBytesAsync(Path.Combine(uploads.FullName, "default", complete.GetProperty("image_file").GetString()!))).ShouldBe(Image);
        var stored = await host.Service<IConversationStore>().GetAsync("vlm-1").WaitAsync(ServiceHost.Timeout);
        stored!.Messages[^1].Text.ShouldBe("I see a red square.");
        uploads.Delete(true);
    }

    [Fact]
    public async Task The_embedded_engine_says_it_cannot_see_images_and_nothing_is_answered()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?> { ["VoiceAgent:Recorded:StoreUploads"] = "false" });
        await using var client = await RecordedSocketClient.ConnectAsync(host, "/v1/chat/vlm");
        await client.SendAllAsync([.. RecordedSocketClient.Packets(Question.Value, 50 * 1024, "audio"), .. RecordedSocketClient.Packets(Image, 50 * 1024, "image")]);
        await client.SendAsync(new { type = "end" });
        var error = await client.WaitForAsync("error");

        error.GetProperty("code").GetString().ShouldBe("vision_unsupported");
        error.GetProperty("message").GetString()!.ShouldContain("cannot see images");
        client.Events("vlm_chat_started").ShouldBeEmpty();
        client.Events("vlm_chat_chunk").ShouldBeEmpty();
        client.Events("audio_stream").ShouldBeEmpty();
    }

    [Fact]
    public async Task End_with_a_missing_image_packet_names_it()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?> { ["VoiceAgent:Recorded:StoreUploads"] = "false" });
        await using var client = await RecordedSocketClient.ConnectAsync(host, "/v1/chat/vlm");
        await client.SendAllAsync([.. RecordedSocketClient.Packets(Question.Value, 50 * 1024, "audio"), RecordedSocketClient.Packets(Image, 50 * 1024, "image")[0]]);
        await client.SendAsync(new { type = "end" });
        var error = await client.WaitForAsync("error");

        error.GetProperty("code").GetString().ShouldBe("missing_packets");
        error.GetProperty("type").GetString().ShouldBe("image");
        error.GetProperty("missing").EnumerateArray().Select(m => m.GetInt32()).ShouldBe([2]);
    }
}
