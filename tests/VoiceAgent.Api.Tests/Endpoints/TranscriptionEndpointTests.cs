using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenAI;
using OpenAI.Audio;
using VoiceAgent.Api.Tests.Infrastructure;

namespace VoiceAgent.Api.Tests.Endpoints;

/// <summary><c>/v1/audio/transcriptions</c> with every upload format OpenAI takes (made with ffmpeg from flite speech) and every response format.</summary>
public sealed class TranscriptionEndpointTests : IAsyncLifetime
{
    private const string Phrase = "turn on the kitchen lights";
    private static readonly Lazy<byte[]> Speech = new(() => TestAudio.FliteWav(Phrase));
    private ServiceHost _host = null!;
    private AudioClient _audio = null!;

    public async Task InitializeAsync()
    {
        _host = await ServiceHost.StartAsync(new Dictionary<string, string?> { ["VoiceAgent:Http:MaxTranscriptionDuration"] = "00:00:20" });
        _audio = new OpenAIClient(new ApiKeyCredential("test-key"), new OpenAIClientOptions { Endpoint = new Uri(_host.Address, "/v1") }).GetAudioClient("whisper-1");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("flac", "flac")]
    [InlineData("mp3", "mp3")]
    [InlineData("mp4", "mp4", "-c:a", "aac")]
    [InlineData("mpeg", "mp3", "-f", "mp3")]
    [InlineData("mpga", "mp3", "-f", "mp3")]
    [InlineData("m4a", "m4a", "-c:a", "aac")]
    [InlineData("ogg", "ogg", "-c:a", "libopus")]
    [InlineData("wav", "wav", "-c:a", "pcm_f32le", "-ar", "44100")] // float WAV: read by ffmpeg, not the PCM16 reader
    [InlineData("webm", "webm", "-c:a", "libopus")] // what a browser's MediaRecorder makes
    public async Task Every_openai_upload_format_is_transcribed(string name, string ffmpegExtension, params string[] codec)
    {
        var file = TestAudio.Convert(Speech.Value, ffmpegExtension, codec);
        using var stream = new MemoryStream(file);
        AudioTranscription transcription = await _audio.TranscribeAudioAsync(stream, "speech." + name).WaitAsync(ServiceHost.Timeout);
        transcription.Text.ShouldContain("kitchen");
    }

    [Fact]
    public async Task Verbose_json_has_word_and_segment_times_inside_the_audio()
    {
        using var stream = new MemoryStream(Speech.Value);
        var options = new AudioTranscriptionOptions
        {
            ResponseFormat = AudioTranscriptionFormat.Verbose,
            TimestampGranularities = AudioTimestampGranularities.Word | AudioTimestampGranularities.Segment,
            Language = "en",
            Prompt = "Home automation commands.",
        };
        AudioTranscription t = await _audio.TranscribeAudioAsync(stream, "speech.wav", options).WaitAsync(ServiceHost.Timeout);
        t.Language.ShouldBe("en");
        var duration = t.Duration!.Value;
        t.Words.Select(w => w.Word).ShouldContain("kitchen");
        string.Join(' ', t.Words.Select(w => w.Word)).ShouldBe(t.Text);
        t.Words.Select(w => w.StartTime).ShouldBeInOrder();
        foreach (var w in t.Words)
        {
            w.StartTime.ShouldBeGreaterThanOrEqualTo(TimeSpan.Zero);
            w.EndTime.ShouldBeGreaterThan(w.StartTime);
            w.EndTime.ShouldBeLessThanOrEqualTo(duration);
        }

        t.Segments.ShouldNotBeEmpty();
        t.Segments[0].StartTime.ShouldBe(t.Words[0].StartTime);
        t.Segments[^1].EndTime.ShouldBe(t.Words[^1].EndTime);
        string.Join(' ', t.Segments.Select(s => s.Text)).ShouldBe(t.Text);
    }

    [Fact]
    public async Task Srt_and_vtt_are_subtitles_of_the_speech()
    {
        var srt = await PostAsync(Speech.Value, "speech.wav", ("response_format", "srt"));
        srt.StatusCode.ShouldBe(HttpStatusCode.OK);
        var srtText = await srt.Content.ReadAsStringAsync();
        srtText.ShouldStartWith("1\n00:00:");
        srtText.ShouldMatch(@"\d\d:\d\d:\d\d,\d\d\d --> \d\d:\d\d:\d\d,\d\d\d\n.*kitchen");

        var vtt = await PostAsync(Speech.Value, "speech.wav", ("response_format", "vtt"));
        var vttText = await vtt.Content.ReadAsStringAsync();
        vttText.ShouldStartWith("WEBVTT\n\n00:00:");
        vttText.ShouldMatch(@"\d\d:\d\d:\d\d\.\d\d\d --> \d\d:\d\d:\d\d\.\d\d\d\n.*kitchen");

        var text = await PostAsync(Speech.Value, "speech.wav", ("response_format", "text"));
        (await text.Content.ReadAsStringAsync()).ShouldContain("kitchen");
    }

    [Fact]
    public async Task Bad_uploads_get_openai_errors()
    {
        await ShouldFailAsync(await PostAsync([], "empty.mp3"), "invalid_file", "empty");
        await ShouldFailAsync(await PostAsync("this is not audio at all, just text"u8.ToArray(), "notes.mp3"), "invalid_audio", "could not be decoded");
        var longWav = TestAudio.Convert(Speech.Value, "mp3", "-af", "apad=pad_dur=25");
        await ShouldFailAsync(await PostAsync(longWav, "long.mp3"), "audio_too_long", "longer than 20 seconds");
        await ShouldFailAsync(await PostAsync(Speech.Value, "speech.wav", ("response_format", "xml")), "invalid_request", "response_format");
        await ShouldFailAsync(await PostAsync(Speech.Value, "speech.wav", ("timestamp_granularities[]", "sentence")), "invalid_request", "timestamp_granularities");
    }

    [Fact]
    public async Task Translations_are_refused_clearly()
    {
        using var stream = new MemoryStream(Speech.Value);
        var ex = await Should.ThrowAsync<ClientResultException>(() => _audio.TranslateAudioAsync(stream, "speech.wav").WaitAsync(ServiceHost.Timeout));
        ex.Status.ShouldBe(400);
        ex.Message.ShouldContain("not supported");
    }

    private async Task<HttpResponseMessage> PostAsync(byte[] file, string name, params (string Key, string Value)[] fields)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(file), "file", name }, { new StringContent("whisper-1"), "model" } };
        foreach (var (key, value) in fields)
        {
            form.Add(new StringContent(value), key);
        }

        return await _host.Http.PostAsync("/v1/audio/transcriptions", form).WaitAsync(ServiceHost.Timeout);
    }

    private static async Task ShouldFailAsync(HttpResponseMessage response, string code, string mentions)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        error.GetProperty("code").GetString().ShouldBe(code);
        error.GetProperty("message").GetString()!.ShouldContain(mentions);
        error.GetProperty("type").GetString().ShouldBe("invalid_request_error");
    }
}
