using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenAI;
using OpenAI.Audio;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Api.Tests.Endpoints;

/// <summary><c>/v1/audio/speech</c> as OpenAI documents it, through the official SDK; every result is decoded with ffmpeg.</summary>
public sealed class SpeechEndpointTests : IAsyncLifetime
{
    private const string Text = "The kitchen lights are on. The music is playing softly in the living room.";
    private ServiceHost _host = null!;
    private AudioClient _audio = null!;

    public async Task InitializeAsync()
    {
        _host = await ServiceHost.StartAsync();
        _audio = new OpenAIClient(new ApiKeyCredential("test-key"), new OpenAIClientOptions { Endpoint = new Uri(_host.Address, "/v1") }).GetAudioClient("tts-1");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("mp3", "mp3", 24_000)]
    [InlineData("opus", "opus", 48_000)] // Opus always decodes at 48 kHz; the stream says it was made from 24 kHz
    [InlineData("aac", "aac", 24_000)]
    [InlineData("flac", "flac", 24_000)]
    [InlineData("wav", "pcm_s16le", 24_000)]
    public async Task Each_format_decodes_to_speech_as_long_as_the_pcm(string format, string codec, int probedRate)
    {
        var pcm = Pcm16.ToSamples((await SpeakAsync(GeneratedSpeechFormat.Pcm)).ToArray());
        var encoded = (await SpeakAsync(new GeneratedSpeechFormat(format))).ToArray();

        var (probedCodec, rate) = TestAudio.Probe(encoded);
        probedCodec.ShouldBe(codec);
        rate.ShouldBe(probedRate);
        var decoded = TestAudio.Decode(encoded, 24_000);
        var pcmSeconds = pcm.Length / 24_000.0;
        pcmSeconds.ShouldBeGreaterThan(3.0);
        (decoded.Length / 24_000.0).ShouldBe(pcmSeconds, tolerance: 0.15); // codec padding and priming only
        Pcm16.Rms(decoded).ShouldBeGreaterThan(Pcm16.Rms(pcm) * 0.5);
    }

    [Fact]
    public async Task The_default_format_is_mp3_streamed_in_chunks()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/audio/speech") { Content = JsonContent.Create(new { model = "tts-1", input = Text, voice = "alloy" }) };
        using var response = await _host.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(ServiceHost.Timeout);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("audio/mpeg");
        response.Headers.TransferEncodingChunked.ShouldBe(true);
        response.Content.Headers.ContentLength.ShouldBeNull();
        var mp3 = await response.Content.ReadAsByteArrayAsync().WaitAsync(ServiceHost.Timeout);
        TestAudio.Probe(mp3).ShouldBe(("mp3", 24_000));
    }

    [Fact]
    public async Task Pcm_is_24_kHz_and_speed_changes_its_length()
    {
        var normal = (await SpeakAsync(GeneratedSpeechFormat.Pcm)).ToArray().Length;
        var fast = (await SpeakAsync(GeneratedSpeechFormat.Pcm, speed: 2f)).ToArray().Length;
        var slow = (await SpeakAsync(GeneratedSpeechFormat.Pcm, speed: 0.5f)).ToArray().Length;
        fast.ShouldBeLessThan((int)(normal * 0.7));
        slow.ShouldBeGreaterThan((int)(normal * 1.4));

        // About 2.5 words a second at 24 kHz 16-bit: 14 words of eSpeak at its default rate are 3–7 s, not 2–4.7 (16 kHz).
        (normal / 48_000.0).ShouldBeInRange(3.0, 7.0);
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(4.0)]
    public async Task Speeds_at_the_ends_of_openai_range_are_accepted(double speed)
    {
        var audio = await SpeakAsync(GeneratedSpeechFormat.Pcm, speed: (float)speed, text: "Hello there.");
        audio.ToArray().Length.ShouldBeGreaterThan(2400);
    }

    [Theory]
    [InlineData("{\"input\":\"hi\",\"speed\":4.5}", "speed")]
    [InlineData("{\"input\":\"hi\",\"response_format\":\"ogg\"}", "response_format")]
    [InlineData("{\"input\":\"hi\",\"voice\":\"no-such-voice\"}", "Unknown voice 'no-such-voice'")]
    [InlineData("{\"input\":\"\"}", "input")]
    public async Task Bad_requests_get_openai_errors(string body, string mentions)
    {
        using var response = await _host.Http.PostAsync("/v1/audio/speech", new StringContent(body, System.Text.Encoding.UTF8, "application/json")).WaitAsync(ServiceHost.Timeout);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        error.GetProperty("message").GetString()!.ShouldContain(mentions);
        error.GetProperty("type").GetString().ShouldBe("invalid_request_error");
    }

    [Theory]
    [InlineData("alloy")]
    [InlineData("nova")]
    [InlineData("fable")]
    [InlineData("SHIMMER")]
    public async Task Openai_voice_names_map_to_configured_voices(string voice)
    {
        var audio = await _audio.GenerateSpeechAsync("Hello there.", new GeneratedSpeechVoice(voice), new SpeechGenerationOptions { ResponseFormat = GeneratedSpeechFormat.Pcm }).WaitAsync(ServiceHost.Timeout);
        audio.Value.ToArray().Length.ShouldBeGreaterThan(24_000);
    }

    [Fact]
    public async Task Models_list_the_voices_and_aliases()
    {
        var models = await _host.Http.GetFromJsonAsync<JsonElement>("/v1/models").WaitAsync(ServiceHost.Timeout);
        var tts = models.GetProperty("data").EnumerateArray().Single(m => m.TryGetProperty("voices", out _));
        tts.GetProperty("voices").EnumerateArray().Select(v => v.GetString()).ShouldContain("en-us");
        tts.GetProperty("voice_aliases").GetProperty("alloy").GetString().ShouldBe("en-us");
        tts.GetProperty("response_formats").EnumerateArray().Select(v => v.GetString()).ShouldBe(["mp3", "opus", "aac", "flac", "wav", "pcm"]);
    }

    private async Task<BinaryData> SpeakAsync(GeneratedSpeechFormat format, float? speed = null, string text = Text)
    {
        var options = new SpeechGenerationOptions { ResponseFormat = format, SpeedRatio = speed };
        var result = await _audio.GenerateSpeechAsync(text, GeneratedSpeechVoice.Alloy, options).WaitAsync(ServiceHost.Timeout);
        return result.Value;
    }
}
