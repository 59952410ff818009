using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Pipeline.Audio;
using Xunit.Abstractions;

namespace VoiceAgent.Api.Tests.Browser;

/// <summary>
/// The voice-call page at <c>/</c> in a real Chromium, with flite speech as its microphone: the question is captioned,
/// answered aloud, and the answer is captioned as it plays; speaking over the agent silences it at once. Alone in its collection: the call runs at real time and
/// should not share two cores with the rest of the suite.
/// </summary>
[Collection(nameof(BrowserCollection))]
public sealed class VoiceCallPageTests(ITestOutputHelper log) : IAsyncLifetime
{
    private ServiceHost _host = null!;

    // Unpaced output (PlaybackLeadMs 0) leaves seconds of the reply queued in the page, which is what its flush on an interrupt is tested on.
    public async Task InitializeAsync() => _host = await ServiceHost.StartAsync(new Dictionary<string, string?> { ["VoiceAgent:Pipeline:Interruptions:PlaybackLeadMs"] = "0" });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_page_is_served_without_a_key_and_with_security_headers_while_the_api_stays_protected()
    {
        using var client = new HttpClient { BaseAddress = _host.Address, Timeout = ServiceHost.Timeout };
        using var page = await client.GetAsync("/");
        page.IsSuccessStatusCode.ShouldBeTrue();
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        (await page.Content.ReadAsStringAsync()).ShouldContain("app.js");
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("default-src 'self'");
        csp.ShouldContain($"ws://{_host.Address.Authority}");
        page.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        page.Headers.GetValues("Referrer-Policy").Single().ShouldBe("no-referrer");
        page.Headers.GetValues("Permissions-Policy").Single().ShouldContain("microphone=(self)");

        foreach (var module in new[] { "app.js", "capture-worklet.js", "playback-worklet.js", "resampler.js" })
        {
            using var js = await client.GetAsync(module);
            js.IsSuccessStatusCode.ShouldBeTrue(module);
            js.Content.Headers.ContentType!.MediaType.ShouldBe("text/javascript", module);
        }

        using var api = await client.GetAsync("/v1/models");
        ((int)api.StatusCode).ShouldBe(401);
    }

    [Fact]
    public async Task A_spoken_question_in_chromium_is_captioned_answered_aloud_and_the_answer_captioned()
    {
        var stats = await CallAsync(QuestionWav("what is twelve times seven"), "voice-call.png", turns: 1);
        var captions = stats.GetProperty("captions").EnumerateArray().ToList();
        captions.Any(c => Is(c, "user") && c.GetProperty("final").GetBoolean() && Text(c).Contains("twelve")).ShouldBeTrue($"user captions: {stats}");
        captions.Any(c => Is(c, "agent") && Text(c).Contains("84")).ShouldBeTrue($"agent captions: {stats}");
        stats.GetProperty("framesSent").GetInt32().ShouldBeGreaterThan(50, "over a second of microphone frames");
        stats.GetProperty("samplesReceived").GetInt64().ShouldBeGreaterThan(0);
        stats.GetProperty("audioSamplesPlayed").GetInt64().ShouldBeGreaterThan(0);
        stats.GetProperty("turns")[0].GetProperty("latencyMs").GetProperty("first_audio").GetDouble().ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Speaking_over_the_agent_flushes_its_audio_at_once_and_the_new_question_is_answered()
    {
        // The first question gets the long "I can't answer that" reply; the second starts 1.2 s into it.
        var wav = QuestionWav("tell me something interesting", then: "what is twelve times seven");
        var stats = await CallAsync(wav, "voice-call-barge-in.png", turns: 2);
        var captions = stats.GetProperty("captions").EnumerateArray().ToList();
        captions.Any(c => Is(c, "agent") && c.GetProperty("interrupted").GetBoolean()).ShouldBeTrue($"an interrupted reply: {stats}");
        captions.Any(c => Is(c, "agent") && Text(c).Contains("84")).ShouldBeTrue($"the second answer: {stats}");
        stats.GetProperty("audioSamplesDropped").GetInt64().ShouldBeGreaterThan(16_000, "over a second of the first reply was never played");
        var shown = string.Join(" ", captions.Where(c => Is(c, "agent")).Select(Text));
        var received = string.Join(" ", stats.GetProperty("agentTexts").EnumerateArray().Select(t => t.GetString()));
        shown.Length.ShouldBeLessThan(received.Length, "sentences whose audio was flushed are not captioned");
    }

    /// <summary>One call through the page in chromium with <paramref name="wav"/> as the microphone; returns window.voiceAgentStats after hang-up.</summary>
    private async Task<JsonElement> CallAsync(byte[] wav, string screenshotName, int turns)
    {
        var dir = Directory.CreateTempSubdirectory("va-browser-");
        try
        {
            var wavPath = Path.Combine(dir.FullName, "microphone.wav");
            await File.WriteAllBytesAsync(wavPath, wav);
            var screenshot = Path.Combine(BrowserScript.ArtifactsDir, screenshotName);
            var (report, stderr) = await BrowserScript.RunAsync(
                "voice-call.mjs", TimeSpan.FromSeconds(150), _host.Address.ToString(), wavPath, screenshot, turns.ToString(CultureInfo.InvariantCulture));
            log.WriteLine($"report: {report}");
            foreach (var shot in report.GetProperty("screenshots").EnumerateArray())
            {
                log.WriteLine($"screenshot: {shot.GetString()}");
            }

            report.GetProperty("ok").GetBoolean().ShouldBeTrue($"the browser call failed: {Prop(report, "error")}\nstderr: {stderr}\nreport: {report}");
            var stats = report.GetProperty("stats");
            stats.GetProperty("errors").GetArrayLength().ShouldBe(0, $"error frames: {stats}");
            stats.GetProperty("closeCode").GetInt32().ShouldBe(1000, "hang up sends is_close and the service closes normally");
            report.GetProperty("console").EnumerateArray().Select(e => e.GetString()!)
                .ShouldNotContain(line => line.StartsWith("error", StringComparison.Ordinal) || line.StartsWith("pageerror", StringComparison.Ordinal));
            return stats;
        }
        finally
        {
            dir.Delete(true);
        }
    }

    /// <summary>
    /// flite at a quarter of its level, with silence around it. flite speaks near full scale, and Chromium's automatic
    /// gain then clips it, which a fresh recognizer hears as other words; a real microphone is far quieter than that.
    /// </summary>
    private static byte[] QuestionWav(string text, string? then = null)
    {
        var speech = TestAudio.FlitePcm(text, silenceMs: then is null ? 1500 : 1200);
        if (then is not null)
        {
            speech = [.. speech, .. TestAudio.FlitePcm(then, silenceMs: 1500)];
        }

        var pcm = new byte[AudioFormat.Pcm16Mono16k.BytesFor(300) + speech.Length];
        var lead = pcm.Length - speech.Length;
        for (var i = 0; i < speech.Length; i += 2)
        {
            var sample = BinaryPrimitives.ReadInt16LittleEndian(speech.AsSpan(i));
            BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(lead + i), (short)(sample / 4));
        }

        return WavFile.Write(new AudioChunk(pcm, AudioFormat.Pcm16Mono16k));
    }

    private static string Text(JsonElement caption) => caption.GetProperty("text").GetString()!;

    private static bool Is(JsonElement caption, string role) => caption.GetProperty("role").GetString() == role;

    private static string? Prop(JsonElement e, string name) => e.TryGetProperty(name, out var p) ? p.ToString() : null;
}

/// <summary>Browser tests run alone: real-time audio in Chromium next to the rest of the suite on two cores is flaky.</summary>
[CollectionDefinition(nameof(BrowserCollection), DisableParallelization = true)]
public sealed class BrowserCollection;
