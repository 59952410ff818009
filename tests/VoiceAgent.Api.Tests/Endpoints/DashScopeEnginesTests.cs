using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Api.Tests.Telephony;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Providers.Tests.DashScope;
using VoiceAgent.Providers.Tests.OpenAI;

namespace VoiceAgent.Api.Tests.Endpoints;

/// <summary>
/// CosyVoice and Paraformer through the real host, against a local fake of DashScope's WebSocket protocol: the voice call,
/// a Twilio phone call, the Agora SSE, the transcription endpoint, duplex text, a task failing mid-reply, and a barge-in.
/// </summary>
public sealed class DashScopeEnginesTests : IAsyncLifetime
{
    private const string Key = "sk-dashscope-secret-4711";
    private const string ThreeSentences = "This is the first sentence. This is the second sentence. This is the third sentence.";
    private FakeDashScopeServer _fake = null!;

    public Task InitializeAsync()
    {
        _fake = FakeDashScopeServer.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Fact]
    public async Task A_voice_call_through_dashscope_asr_and_tts_gets_the_fakes_text_and_audio()
    {
        await using var host = await ServiceHost.StartAsync(Settings());
        _fake.Forget(); // the start-up warm-up's tasks
        await using var call = await VoiceCallClient.ConnectAsync(host);
        await call.StreamAsync("dashscope", TestAudio.FlitePcm("what is twelve times seven", silenceMs: 2500), pace: false);
        await call.WaitForAsync("turn_end");

        // Recognised by the fake's Paraformer (whatever flite said), answered by the embedded LLM, spoken by the fake's CosyVoice.
        call.Json("asr").Single(a => a.GetProperty("final").GetBoolean()).GetProperty("msg").GetString().ShouldBe(_fake.Transcript);
        var said = string.Join("", call.Json("text").Select(t => t.GetProperty("msg").GetString()));
        said.ShouldContain("84");
        var audio = call.All.Where(r => r.Binary is not null).Sum(r => r.Binary!.Length);
        var tts = _fake.Tts.ShouldHaveSingleItem();
        audio.ShouldBe(tts.AudioBytes); // asked at the pipeline's 16 kHz: every byte CosyVoice made, nothing resampled
        string.Join("", tts.Pieces.Select(p => p.Text)).ShouldContain("84");

        var asr = _fake.Asr.ShouldHaveSingleItem();
        asr.AudioBytes.ShouldBeGreaterThan(16_000);
        asr.RunTask.GetProperty("header").GetProperty("streaming").GetString().ShouldBe("duplex");
        asr.RunTask.GetProperty("payload").GetProperty("function").GetString().ShouldBe("recognition");
        asr.RunTask.GetProperty("payload").GetProperty("model").GetString().ShouldBe("paraformer-realtime-v2");
        asr.Parameters.GetProperty("format").GetString().ShouldBe("pcm");
        asr.Parameters.GetProperty("sample_rate").GetInt32().ShouldBe(16_000);
        tts.RunTask.GetProperty("payload").GetProperty("function").GetString().ShouldBe("SpeechSynthesizer");
        tts.RunTask.GetProperty("payload").GetProperty("model").GetString().ShouldBe("cosyvoice-v2");
        tts.Parameters.GetProperty("voice").GetString().ShouldBe("longxiaochun_v2");
        tts.Parameters.GetProperty("sample_rate").GetInt32().ShouldBe(16_000);
        _fake.Upgrades.ShouldAllBe(h => h["Authorization"] == "bearer " + Key);
    }

    [Fact]
    public async Task A_twilio_phone_call_through_paraformer_and_cosyvoice_is_recognised_and_answered_in_mulaw_media()
    {
        await using var host = await ServiceHost.StartAsync(Settings(
            ("VoiceAgent:Telephony:PublicBaseUrl", CarrierSimulator.PublicBaseUrl), ("VoiceAgent:Telephony:Twilio:AuthToken", TwilioCallTests.AuthToken)));
        _fake.Forget(); // the start-up warm-up's tasks
        await using var twilio = await CarrierSimulator.ConnectAsync(host, "twilio", authToken: TwilioCallTests.AuthToken);
        await twilio.ConnectedAsync();
        await twilio.StartAsync("+1 555 123 0719", "CA" + Guid.NewGuid().ToString("N"));
        await twilio.StreamAsync(TestAudio.FliteTelephone("what is twelve times seven", silenceMs: 1500));

        // Recognised by the fake's Paraformer (whatever flite said), answered by the embedded LLM, spoken by the fake's CosyVoice.
        var store = host.Service<IConversationStore>();
        await TwilioCallTests.WaitForHistoryAsync(store, "phone:15551230719", 2);
        await twilio.WaitUntilAsync(t => t.Count("mark") > 0 && t.Echoed.Count == t.Count("mark"), "every mark echoed");
        var history = (await store.GetAsync("phone:15551230719"))!.Messages;
        history[0].Text.ShouldBe(_fake.Transcript);
        history[1].Text.ShouldContain("84");

        var asr = _fake.Asr.ShouldHaveSingleItem();
        asr.Parameters.GetProperty("sample_rate").GetInt32().ShouldBe(16_000, "the caller's 8 kHz µ-law reaches Paraformer as the pipeline's 16 kHz PCM");
        asr.AudioBytes.ShouldBeGreaterThan(16_000);
        var tts = _fake.Tts.ShouldHaveSingleItem();
        string.Join("", tts.Pieces.Select(p => p.Text)).ShouldContain("84");

        // The agent's audio comes back as µ-law media, 20–40 ms a message: CosyVoice's tone, 16 kHz down to 8 kHz.
        var media = twilio.Snapshot().Where(r => r.Kind == "media").Select(r => (byte[])r.Value!).ToList();
        media.ShouldAllBe(m => m.Length % 160 == 0 && m.Length >= 160 && m.Length <= 320);
        var heard = twilio.Heard;
        ((double)heard.Length).ShouldBe(tts.AudioBytes / 4.0, 800, "all CosyVoice made (16-bit at 16 kHz), at half the rate, one byte a sample, within 100 ms");
        var pcm = new short[heard.Length];
        G711.MuLawDecode(heard, pcm);
        pcm.Max(v => Math.Abs((int)v)).ShouldBeGreaterThan(3000, "the tone, not silence");
    }

    [Fact]
    public async Task Text_reaches_cosyvoice_in_pieces_and_is_heard_before_the_llm_finishes()
    {
        await using var llm = FakeOpenAIServer.Start();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await ServiceHost.StartAsync(Settings(
            ("VoiceAgent:Llm:Provider", "OpenAI"), ("VoiceAgent:Llm:OpenAI:BaseUrl", llm.BaseUrl), ("VoiceAgent:Llm:OpenAI:Model", "qwen-plus")));
        _fake.Forget(); // the start-up warm-up's tasks
        llm.Then(GatedChatStream(["This is", " the first", " sentence.", " And"], [" this is", " the rest."], release.Task));
        using var response = await PostChatAsync(host, "tell me something");
        var audioBeforeRelease = 0;
        var events = new List<JsonElement>();
        await foreach (var e in SseReader.ReadAsync(response).WithCancellation(new CancellationTokenSource(ServiceHost.Timeout).Token))
        {
            events.Add(e);
            if (!release.Task.IsCompleted && Audio(e) is { Length: > 0 } data)
            {
                // The first sentence is being heard while the LLM still holds the rest of its reply.
                audioBeforeRelease += data.Length;
                var task = _fake.Tts.ShouldHaveSingleItem();
                task.Pieces.Count.ShouldBeGreaterThanOrEqualTo(3, "each streamed piece is its own continue-task, not a whole sentence: " + string.Join("|", task.Pieces.Select(p => p.Text)));
                task.Pieces.Take(3).Select(p => p.Text).ShouldBe(["This is", " the first", " sentence."]);
                task.FinishReceived.ShouldBeFalse();
                release.TrySetResult();
            }
        }

        audioBeforeRelease.ShouldBeGreaterThan(0);
        Transcripts(events).ShouldBe(["This is the first sentence.", " And this is the rest."]);
        events[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString().ShouldBe("stop");
        _fake.Tts.ShouldHaveSingleItem().FinishReceived.ShouldBeTrue();
    }

    [Fact]
    public async Task The_agora_sse_through_cosyvoice_has_40_ms_chunks_a_transcript_per_sentence_and_words_inside_the_audio()
    {
        await using var host = await ServiceHost.StartAsync(Settings(("VoiceAgent:Llm:Provider", "Instant"), ("VoiceAgent:Instant:Reply", ThreeSentences)));
        _fake.Forget(); // the start-up warm-up's tasks
        using var response = await PostChatAsync(host, "hello");
        var events = await SseReader.ReadAllAsync(response).WaitAsync(ServiceHost.Timeout);
        var audioBytes = 0;
        var words = new List<(long Start, long End, long Before)>();
        foreach (var e in events)
        {
            if (AudioDelta(e) is not { } a)
            {
                continue;
            }

            if (a.TryGetProperty("words", out var ws))
            {
                words.AddRange(ws.EnumerateArray().Select(w => (w.GetProperty("start_ts").GetInt64(), w.GetProperty("end_ts").GetInt64(), (long)audioBytes / 32)));
            }

            if (Audio(e) is { Length: > 0 } data)
            {
                data.Length.ShouldBeLessThanOrEqualTo(1_280, "at most 40 ms of 16 kHz PCM16 per chunk");
                audioBytes += data.Length;
            }
        }

        // One transcript per sentence as CosyVoice cut them, concatenating to the reply.
        Transcripts(events).ShouldBe(["This is the first sentence.", " This is the second sentence.", " This is the third sentence."]);
        _fake.Tts.ShouldHaveSingleItem().Spoken.Select(s => s.Trim()).ShouldBe(["This is the first sentence.", "This is the second sentence.", "This is the third sentence."]);
        audioBytes.ShouldBe(_fake.Tts.Single().AudioBytes);
        words.Count.ShouldBeGreaterThanOrEqualTo(12);
        words.Select(w => w.Start).ShouldBeInOrder();
        foreach (var (start, end, before) in words)
        {
            start.ShouldBeGreaterThanOrEqualTo(before, "a word goes out no later than the audio it starts in");
            end.ShouldBeLessThanOrEqualTo(audioBytes / 32);
        }
    }

    [Fact]
    public async Task A_task_failed_mid_reply_falls_back_and_the_failure_is_spoken_and_no_key_is_logged()
    {
        var logs = new LogLines();
        await using var host = await ServiceHost.StartAsync(
            Settings(("VoiceAgent:Llm:Provider", "Instant"), ("VoiceAgent:Instant:Reply", ThreeSentences), ("VoiceAgent:Tts:Fallback:0", "Embedded"), ("Logging:LogLevel:Default", "Trace")),
            logs.AddTo);
        _fake.Forget(); // the start-up warm-up's tasks

        // CosyVoice fails in its second sentence; every later task is refused, so the failure message falls back to eSpeak.
        _fake.FailSentence = (task, sentence) => task == 1 && sentence == 1;
        _fake.FailRunTask = task => task >= 2;
        using var response = await PostChatAsync(host, "hello");
        var events = await SseReader.ReadAllAsync(response).WaitAsync(ServiceHost.Timeout);

        var transcripts = Transcripts(events);
        transcripts[0].ShouldBe("This is the first sentence.");
        transcripts.ShouldContain(t => t.Contains("trouble speaking", StringComparison.Ordinal));
        transcripts.ShouldNotContain(t => t.Contains("third", StringComparison.Ordinal));
        var failureAt = events.FindIndex(e => Transcript(e)?.Contains("trouble speaking", StringComparison.Ordinal) == true);
        events.Skip(failureAt).Sum(e => Audio(e)?.Length ?? 0).ShouldBeGreaterThan(16_000, "the failure is spoken, by the fallback engine");
        _fake.Tts.Count().ShouldBeGreaterThanOrEqualTo(2);
        _fake.Tts.Skip(1).ShouldAllBe(t => t.Spoken.Count == 0); // refused at run-task: eSpeak said it

        events[^1].GetProperty("error").GetProperty("message").GetString()!.ShouldContain("InternalError");
        logs.All.ShouldNotBeEmpty();
        logs.All.ShouldNotContain(line => line.Contains(Key, StringComparison.Ordinal));
        logs.All.ShouldContain(line => line.Contains("InternalError", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_barge_in_drops_the_cosyvoice_task()
    {
        // A long answer spoken in real time: the caller talks over its first sentences.
        _fake.FrameGap = TimeSpan.FromMilliseconds(100);
        await using var host = await ServiceHost.StartAsync(Settings(
            ("VoiceAgent:Llm:Embedded:Faq:0:Patterns:0", "twelve"),
            ("VoiceAgent:Llm:Embedded:Faq:0:Answer", string.Join(" ", Enumerable.Range(1, 12).Select(i => $"This is sentence number {i} of the long answer.")))));
        _fake.Forget(); // the start-up warm-up's tasks
        await using var call = await VoiceCallClient.ConnectAsync(host);
        await call.StreamAsync("barge", TestAudio.FlitePcm("what is twelve times seven", silenceMs: 2500));
        await call.WaitForAsync("text");
        var firstTurn = call.Json("text").First().GetProperty("turn_id").GetInt64();
        await call.StreamAsync("barge", TestAudio.FlitePcm("stop please", silenceMs: 1000), seed: 3);
        var interrupt = await call.WaitForAsync("interrupt");
        interrupt.Json!.Value.GetProperty("turn_id").GetInt64().ShouldBe(firstTurn);

        // The first reply's task ends without task-finished: its socket was dropped, which stops CosyVoice at once.
        var first = _fake.Tts.First();
        using var wait = new CancellationTokenSource(ServiceHost.Timeout);
        while (!first.ClosedEarly)
        {
            await Task.Delay(20, wait.Token);
        }

        first.Spoken.Count.ShouldBeLessThan(12);
        first.Done.ShouldBeFalse();
    }

    [Fact]
    public async Task Transcriptions_go_through_paraformer()
    {
        await using var host = await ServiceHost.StartAsync(Settings());
        _fake.Forget(); // the start-up warm-up's tasks
        using var form = new MultipartFormDataContent { { new ByteArrayContent(TestAudio.FliteWav("hello there")), "file", "speech.wav" }, { new StringContent("paraformer-realtime-v2"), "model" } };
        using var response = await host.Http.PostAsync("/v1/audio/transcriptions", form).WaitAsync(ServiceHost.Timeout);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString().ShouldBe(_fake.Transcript);
        _fake.Asr.ShouldHaveSingleItem().AudioBytes.ShouldBeGreaterThan(16_000);
    }

    private Dictionary<string, string?> Settings(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["VoiceAgent:Asr:Provider"] = "DashScope",
            ["VoiceAgent:Asr:DashScope:BaseUrl"] = _fake.BaseUrl,
            ["VoiceAgent:Asr:DashScope:ApiKey"] = Key,
            ["VoiceAgent:Asr:DashScope:Language"] = "en",
            ["VoiceAgent:Tts:Provider"] = "DashScope",
            ["VoiceAgent:Tts:DashScope:BaseUrl"] = _fake.BaseUrl,
            ["VoiceAgent:Tts:DashScope:ApiKey"] = Key,
            ["VoiceAgent:Tts:DashScope:Voice"] = "longxiaochun_v2",
            ["VoiceAgent:Tts:DashScope:MaxRetries"] = "1",
            ["VoiceAgent:Tts:DashScope:RetryBaseDelay"] = "00:00:00.050",
        };
        foreach (var (k, v) in more)
        {
            settings[k] = v;
        }

        return settings;
    }

    private static async Task<HttpResponseMessage> PostChatAsync(ServiceHost host, string question)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/audio/chat/completions") { Content = JsonContent.Create(new { messages = new[] { new { role = "user", content = question } }, stream = true }) };
        return await host.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(ServiceHost.Timeout);
    }

    private static byte[]? Audio(JsonElement e) =>
        AudioDelta(e) is { } a && a.TryGetProperty("data", out var d) && d.GetString() is { Length: > 0 } s ? Convert.FromBase64String(s) : null;

    private static string? Transcript(JsonElement e) => AudioDelta(e) is { } a && a.TryGetProperty("transcript", out var t) ? t.GetString() : null;

    // A failed reply ends with an {"error":…} event instead of a chunk.
    private static JsonElement? AudioDelta(JsonElement e) =>
        e.TryGetProperty("choices", out var c) && c.GetArrayLength() > 0 && c[0].GetProperty("delta").TryGetProperty("audio", out var a) ? a : null;

    private static List<string> Transcripts(List<JsonElement> events) => [.. events.Select(Transcript).OfType<string>()];

    // A chat stream that sends its first tokens, then waits for the test before the rest (the LLM still "thinking").
    private static Func<HttpListenerContext, RecordedRequest, Task> GatedChatStream(string[] first, string[] rest, Task gate) => async (ctx, _) =>
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/event-stream";
        ctx.Response.SendChunked = true;
        var output = ctx.Response.OutputStream;
        await WriteAsync(output, new { content = "" }, null);
        foreach (var t in first)
        {
            await WriteAsync(output, new { content = t }, null);
        }

        await gate.WaitAsync(ServiceHost.Timeout);
        foreach (var t in rest)
        {
            await WriteAsync(output, new { content = t }, null);
        }

        await WriteAsync(output, new { }, "stop");
        await output.WriteAsync("data: [DONE]\n\n"u8.ToArray());
        ctx.Response.Close();
    };

    private static async Task WriteAsync(Stream output, object delta, string? finish)
    {
        var chunk = JsonSerializer.Serialize(new { id = "chatcmpl-1", @object = "chat.completion.chunk", created = 1_700_000_000, model = "qwen-plus", choices = new[] { new { index = 0, delta, finish_reason = finish } } });
        await output.WriteAsync(Encoding.UTF8.GetBytes($"data: {chunk}\n\n"));
        await output.FlushAsync();
    }
}
