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
    public async Task Estimated_word_timings_come_first_and_are_monotonic()
    {
        await using var server = FakeOpenAIServer.Start();
        using var client = OpenAIEngines.CreateTextToSpeechClient(TestEngines.Options(server.BaseUrl), 24_000, new LinearResamplerFactory());

        var updates = await OpenAIChatClientTests.Collect(client.GetStreamingAudioAsync("Hello there, how are you?")).WaitAsync(TestEngines.Limit);

        var contents = updates.SelectMany(u => u.Contents).ToList();
        var firstAudio = contents.FindIndex(c => c is DataContent);
        var words = contents.OfType<WordTimingContent>().ToList();
        words.Select(w => w.Text).ShouldBe(["Hello", "there,", "how", "are", "you?"]);
        contents.FindLastIndex(c => c is WordTimingContent).ShouldBeLessThan(firstAudio);
        for (var i = 1; i < words.Count; i++)
        {
            words[i].Start.ShouldBeGreaterThanOrEqualTo(words[i - 1].End);
        }

        contents.OfType<DataContent>().First().MediaType.ShouldBe("audio/pcm;rate=24000;channels=1");
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
