using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Tts;
using VoiceAgent.Providers.OpenAI;

namespace VoiceAgent.Providers.Tests.OpenAI;

public sealed class OpenAITextToSpeechClientTests
{
    [Fact]
    public async Task First_audio_arrives_before_the_server_finished_the_body()
    {
        await using var server = FakeOpenAIServer.Start();
        var rest = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Then(FakeResponses.Speech(FakeResponses.Tone(24_000, 400), pieces: 4, gapMs: 5, gate: rest.Task));
        using var client = OpenAIEngines.CreateTextToSpeechClient(TestEngines.Options(server.BaseUrl), 16_000, new LinearResamplerFactory());
        var updates = new List<TextToSpeechResponseUpdate>();

        async Task Read()
        {
            await foreach (var u in client.GetStreamingAudioAsync("Hello brave new world."))
            {
                updates.Add(u);
                if (u.Contents.OfType<DataContent>().Any())
                {
                    rest.TrySetResult(); // only now may the server send the rest
                }
            }
        }

        await Read().WaitAsync(TestEngines.Limit);

        var audio = updates.SelectMany(u => u.Contents).OfType<DataContent>().ToList();
        audio.Count.ShouldBeGreaterThan(1);
        var samples = audio.Sum(a => a.Data.Length) / 2;
        samples.ShouldBeInRange(6_400 - 20, 6_400 + 20); // 400 ms at 16 kHz
        audio.ShouldAllBe(a => a.MediaType == "audio/pcm;rate=16000;channels=1");
        updates[^1].Kind.ShouldBe(TextToSpeechResponseUpdateKind.AudioUpdated);
    }

    [Fact]
    public async Task Estimated_words_come_with_the_audio_they_start_in_and_lie_inside_it()
    {
        await using var server = FakeOpenAIServer.Start();

        // 400 ms of audio for a text the estimate makes far longer: the last words must be fitted into the real audio.
        server.Then(FakeResponses.Speech(FakeResponses.Tone(24_000, 400), pieces: 4, gapMs: 5));
        using var client = OpenAIEngines.CreateTextToSpeechClient(TestEngines.Options(server.BaseUrl), 24_000, new LinearResamplerFactory());

        var updates = await OpenAIChatClientTests.Collect(client.GetStreamingAudioAsync("Hello there, how are you on this fine morning?")).WaitAsync(TestEngines.Limit);

        var audioBefore = TimeSpan.Zero;
        var words = new List<(WordTimingContent Word, TimeSpan AudioBefore)>();
        foreach (var c in updates.SelectMany(u => u.Contents))
        {
            if (c is WordTimingContent w)
            {
                words.Add((w, audioBefore));
            }
            else if (c is DataContent d)
            {
                d.MediaType.ShouldBe("audio/pcm;rate=24000;channels=1");
                audioBefore += TimeSpan.FromSeconds(d.Data.Length / 48_000.0);
            }
        }

        var total = audioBefore;
        total.TotalMilliseconds.ShouldBe(400, tolerance: 2);
        words.Select(w => w.Word.Text).ShouldBe(["Hello", "there,", "how", "are", "you", "on", "this", "fine", "morning?"]);
        for (var i = 0; i < words.Count; i++)
        {
            var (w, before) = words[i];
            w.Start.ShouldBeGreaterThanOrEqualTo(before); // sent no later than the chunk it starts in
            w.End.ShouldBeLessThanOrEqualTo(total);
            if (i > 0)
            {
                w.Start.ShouldBeGreaterThanOrEqualTo(words[i - 1].Word.End);
            }
        }

        updates[^1].Kind.ShouldBe(TextToSpeechResponseUpdateKind.AudioUpdated);
    }

    [Fact]
    public async Task Sends_model_voice_pcm_format_and_speed()
    {
        await using var server = FakeOpenAIServer.Start();
        var options = TestEngines.Options(server.BaseUrl);
        options.Voice = "nova";
        using var client = OpenAIEngines.CreateTextToSpeechClient(options, 16_000, new LinearResamplerFactory());

        await client.GetAudioAsync("Hi.", new TextToSpeechOptions { Speed = 1.5f }).WaitAsync(TestEngines.Limit);

        var body = System.Text.Json.JsonDocument.Parse(server.Requests.Single().Body).RootElement;
        body.GetProperty("model").GetString().ShouldBe("test-model");
        body.GetProperty("voice").GetString().ShouldBe("nova");
        body.GetProperty("response_format").GetString().ShouldBe("pcm");
        body.GetProperty("speed").GetDouble().ShouldBe(1.5, 1e-6);
    }

    [Fact]
    public void Official_endpoint_knows_only_its_voices_custom_servers_accept_any()
    {
        var official = TestEngines.Options("https://api.openai.com/v1");
        official.Voice = "my-clone";
        using var strict = new OpenAITextToSpeechClient(official, 16_000, new LinearResamplerFactory());
        using var open = new OpenAITextToSpeechClient(TestEngines.Options("http://127.0.0.1:1/v1"), 16_000, new LinearResamplerFactory());

        strict.IsKnownVoice("shimmer").ShouldBeTrue();
        strict.IsKnownVoice("my-clone").ShouldBeTrue();
        strict.IsKnownVoice("af_bella").ShouldBeFalse();
        open.IsKnownVoice("af_bella").ShouldBeTrue();
        open.IsKnownVoice(" ").ShouldBeFalse();
        ((IVoiceCatalog)strict).Voices.Count.ShouldBe(12);
    }

    [Fact]
    public void Estimates_cjk_per_character_and_scale_with_speed()
    {
        var normal = EstimatedWordTimings.Estimate("你好，世界。");
        var fast = EstimatedWordTimings.Estimate("你好，世界。", speed: 2f);

        normal.Select(w => w.Text).ShouldBe(["你", "好", "世", "界"]);
        normal[2].Start.ShouldBeGreaterThan(normal[1].End); // the comma is a pause
        fast[^1].End.TotalMilliseconds.ShouldBe(normal[^1].End.TotalMilliseconds / 2, 1);
    }
}
