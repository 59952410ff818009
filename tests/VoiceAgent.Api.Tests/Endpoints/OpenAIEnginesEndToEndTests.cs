using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using VoiceAgent.Api.Tests.Infrastructure;

namespace VoiceAgent.Api.Tests.Endpoints;

/// <summary>
/// The OpenAI engines against a real server that speaks the OpenAI API: a second VoiceAgent host (embedded engines)
/// serves /v1 chat, speech and transcriptions, and the host under test uses it for ASR, LLM and TTS.
/// </summary>
public sealed class OpenAIEnginesEndToEndTests : IAsyncLifetime
{
    private ServiceHost _upstream = null!;
    private ServiceHost _host = null!;

    public async Task InitializeAsync()
    {
        _upstream = await ServiceHost.StartAsync();
        var v1 = new Uri(_upstream.Address, "/v1").ToString();
        _host = await ServiceHost.StartAsync(new Dictionary<string, string?>
        {
            ["VoiceAgent:Llm:Provider"] = "OpenAI",
            ["VoiceAgent:Llm:OpenAI:BaseUrl"] = v1,
            ["VoiceAgent:Llm:OpenAI:ApiKey"] = "upstream-key",
            ["VoiceAgent:Llm:OpenAI:Model"] = "voiceagent-rules",
            ["VoiceAgent:Asr:Provider"] = "OpenAI",
            ["VoiceAgent:Asr:OpenAI:BaseUrl"] = v1,
            ["VoiceAgent:Asr:OpenAI:ApiKey"] = "upstream-key",
            ["VoiceAgent:Asr:OpenAI:Model"] = "whisper-1",
            ["VoiceAgent:Tts:Provider"] = "OpenAI",
            ["VoiceAgent:Tts:OpenAI:BaseUrl"] = v1,
            ["VoiceAgent:Tts:OpenAI:ApiKey"] = "upstream-key",
            ["VoiceAgent:Tts:OpenAI:Model"] = "tts-1",
            ["VoiceAgent:Tts:OpenAI:Voice"] = "en-us",
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task A_voice_call_runs_end_to_end_through_the_openai_engines()
    {
        await using var call = await VoiceCallClient.ConnectAsync(_host);
        await call.StreamAsync("remote", TestAudio.FlitePcm("what is twelve times seven", silenceMs: 1200), pace: false);
        var end = await call.WaitForAsync("turn_end");
        var final = call.Json("asr").Single(a => a.GetProperty("final").GetBoolean());
        final.GetProperty("msg").GetString()!.ShouldContain("twelve");
        string.Join(" ", call.Json("text").Select(t => t.GetProperty("msg").GetString())).ShouldContain("84");
        call.All.Where(r => r.Binary is not null).Sum(r => r.Binary!.Length).ShouldBeGreaterThan(16_000);
        end.Json!.Value.GetProperty("latency_ms").GetProperty("first_audio").GetDouble().ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Audio_chat_completions_through_a_remote_voiceagent_has_speech_at_the_right_speed_and_words_inside_it()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/audio/chat/completions") { Content = JsonContent.Create(new { messages = new[] { new { role = "user", content = "what is three plus four" } }, stream = true }) };
        using var response = await _host.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(ServiceHost.Timeout);
        var events = await SseReader.ReadAllAsync(response).WaitAsync(ServiceHost.Timeout);
        var transcript = new StringBuilder();
        var audioBytes = 0;
        var words = new List<(long Start, long End, long AudioBeforeMs)>();
        foreach (var e in events)
        {
            if (!e.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("audio", out var a))
            {
                continue;
            }

            var before = audioBytes / 32; // ms of 16 kHz PCM16 sent before this chunk
            if (a.TryGetProperty("words", out var ws))
            {
                words.AddRange(ws.EnumerateArray().Select(w => (w.GetProperty("start_ts").GetInt64(), w.GetProperty("end_ts").GetInt64(), (long)before)));
            }

            if (a.TryGetProperty("transcript", out var t))
            {
                transcript.Append(t.GetString());
            }
            else if (a.GetProperty("data").GetString() is { Length: > 0 } d)
            {
                audioBytes += Convert.FromBase64String(d).Length;
            }
        }

        transcript.ToString().ShouldContain("7");
        events[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString().ShouldBe("stop");

        // Words: present, in order, each sent no later than the audio it starts in, none past the end of the audio.
        var totalMs = audioBytes / 32;
        words.ShouldNotBeEmpty();
        words.Select(w => w.Start).ShouldBeInOrder();
        foreach (var (start, end, before) in words)
        {
            start.ShouldBeGreaterThanOrEqualTo(before);
            end.ShouldBeLessThanOrEqualTo(totalMs);
        }

        // Speed: the upstream's own 24 kHz PCM of the same text lasts as long as what this host played at 16 kHz.
        using var speech = await _upstream.Http.PostAsync("/v1/audio/speech", JsonContent.Create(new { input = transcript.ToString(), voice = "en-us", response_format = "pcm" })).WaitAsync(ServiceHost.Timeout);
        var upstreamMs = (await speech.Content.ReadAsByteArrayAsync()).Length / 48.0;
        ((double)totalMs).ShouldBe(upstreamMs, tolerance: upstreamMs * 0.1);
    }

    [Fact]
    public async Task Health_reports_the_remote_engines()
    {
        var health = await _host.Http.GetFromJsonAsync<JsonElement>("/health").WaitAsync(ServiceHost.Timeout);
        var engines = health.GetProperty("engines");
        engines.GetProperty("llm").GetProperty("provider").GetString().ShouldBe("OpenAI");
        engines.GetProperty("llm").GetProperty("status").GetString().ShouldBe("ready");
    }
}
