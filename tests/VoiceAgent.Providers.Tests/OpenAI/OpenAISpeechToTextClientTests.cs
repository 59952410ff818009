using System.Text;
using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Asr;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Providers.OpenAI;

namespace VoiceAgent.Providers.Tests.OpenAI;

public sealed class OpenAISpeechToTextClientTests
{
    [Fact]
    public void A_batch_transcription_engine_reports_through_its_resilience_wrapper_that_it_publishes_no_partials()
    {
        using var client = OpenAIEngines.CreateSpeechToTextClient(TestEngines.Options("http://127.0.0.1:9/v1"));
        SpeechToTextPartials.PublishedBy(client).ShouldBeFalse();
    }

    [Fact]
    public async Task Uploads_pcm_as_a_wav_file_with_the_language_hint()
    {
        await using var server = FakeOpenAIServer.Start();
        using var client = OpenAIEngines.CreateSpeechToTextClient(TestEngines.Options(server.BaseUrl));
        var pcm = FakeResponses.Tone(8_000, 250);
        using var audio = new MemoryStream(pcm);

        var updates = await OpenAIChatClientTests.Collect(client.GetStreamingTextAsync(audio, new SpeechToTextOptions { SpeechSampleRate = 8_000, SpeechLanguage = "en-US" }))
            .WaitAsync(TestEngines.Limit);

        var update = updates.ShouldHaveSingleItem();
        update.Kind.ShouldBe(SpeechToTextResponseUpdateKind.TextUpdated);
        update.Text.ShouldBe("hello world");
        var request = server.Requests.Single();
        request.Path.ShouldBe("/v1/audio/transcriptions");
        request.Header("Content-Type")!.ShouldStartWith("multipart/form-data");
        var body = request.Body;
        var riff = IndexOf(body, "RIFF"u8);
        riff.ShouldBeGreaterThan(0);
        var wav = WavFile.Read(body.AsSpan(riff, 44 + pcm.Length));
        wav.Format.ShouldBe(AudioFormat.Pcm16Mono(8_000));
        wav.Data.ToArray().ShouldBe(pcm);
        var text = Encoding.UTF8.GetString(body);
        text.ShouldContain("name=model");
        text.ShouldContain("test-model");
        // The official adapter names the upload from its first bytes: a server that goes by the extension decodes WAV.
        text.ShouldMatch("filename=\"?[^\"\r\n;]*\\.wav");
        text.ShouldContain("name=language");
        text.ShouldContain("\r\nen\r\n");
    }

    [Fact]
    public async Task Configured_language_is_the_default_hint()
    {
        await using var server = FakeOpenAIServer.Start();
        var options = TestEngines.Options(server.BaseUrl);
        options.Language = "zh";
        using var client = OpenAIEngines.CreateSpeechToTextClient(options);
        using var audio = new MemoryStream(FakeResponses.Tone(16_000, 100));

        (await client.GetTextAsync(audio).WaitAsync(TestEngines.Limit)).Text.ShouldBe("hello world");

        Encoding.UTF8.GetString(server.Requests.Single().Body).ShouldContain("\r\nzh\r\n");
    }

    [Fact]
    public async Task Empty_audio_needs_no_request()
    {
        await using var server = FakeOpenAIServer.Start();
        using var client = OpenAIEngines.CreateSpeechToTextClient(TestEngines.Options(server.BaseUrl));

        (await client.GetTextAsync(new MemoryStream()).WaitAsync(TestEngines.Limit)).Text.ShouldBeEmpty();
        server.Requests.ShouldBeEmpty();
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);
}
