using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Tts;
using VoiceAgent.Providers.DashScope;

namespace VoiceAgent.Providers.Tests.DashScope;

/// <summary>The DashScope clients against the local fake of the protocol: message shapes, retries, reuse, recognition.</summary>
public sealed class DashScopeEnginesTests : IAsyncLifetime
{
    private const string Key = "sk-unit-secret-0815";
    private FakeDashScopeServer _fake = null!;

    public Task InitializeAsync()
    {
        _fake = FakeDashScopeServer.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Fact]
    public async Task A_sentence_is_one_task_with_the_documented_commands_and_its_words_lie_inside_its_audio()
    {
        using var tts = DashScopeEngines.CreateTextToSpeechClient(Options(DashScopeEngines.DefaultTtsModel), 16_000);
        var audio = 0;
        var words = new List<(WordTimingContent Word, int AudioBefore)>();
        await foreach (var update in tts.GetStreamingAudioAsync("Hello there, how are you today?").WithCancellation(Timeout()))
        {
            foreach (var c in update.Contents)
            {
                if (c is WordTimingContent w)
                {
                    words.Add((w, audio));
                }
                else if (c is DataContent d)
                {
                    d.MediaType.ShouldBe("audio/pcm;rate=16000;channels=1");
                    audio += d.Data.Length;
                }
            }
        }

        var task = _fake.Tts.ShouldHaveSingleItem();
        audio.ShouldBe(task.AudioBytes);
        task.Pieces.Select(p => p.Text).ShouldBe(["Hello there, how are you today?"]);
        task.FinishReceived.ShouldBeTrue();
        var header = task.RunTask.GetProperty("header");
        header.GetProperty("action").GetString().ShouldBe("run-task");
        header.GetProperty("streaming").GetString().ShouldBe("duplex");
        var payload = task.RunTask.GetProperty("payload");
        payload.GetProperty("task_group").GetString().ShouldBe("audio");
        payload.GetProperty("task").GetString().ShouldBe("tts");
        payload.GetProperty("function").GetString().ShouldBe("SpeechSynthesizer");
        task.Parameters.GetProperty("text_type").GetString().ShouldBe("PlainText");
        task.Parameters.GetProperty("format").GetString().ShouldBe("pcm");
        task.Parameters.GetProperty("sample_rate").GetInt32().ShouldBe(16_000);
        _fake.Upgrades.ShouldHaveSingleItem()["Authorization"].ShouldBe("bearer " + Key);

        words.Count.ShouldBe(6);
        foreach (var (w, before) in words)
        {
            w.Start.TotalMilliseconds.ShouldBeGreaterThanOrEqualTo(before / 32.0 - 0.001);
            w.End.TotalMilliseconds.ShouldBeLessThanOrEqualTo(audio / 32.0 + 0.001);
        }
    }

    [Fact]
    public async Task A_refused_task_is_retried_before_any_audio_and_connections_are_reused()
    {
        _fake.FailRunTask = n => n == 1;
        using var tts = DashScopeEngines.CreateTextToSpeechClient(Options(DashScopeEngines.DefaultTtsModel), 16_000);
        var first = await tts.GetAudioAsync("第一句。", cancellationToken: Timeout()).WaitAsync(TimeSpan.FromSeconds(30));
        var second = await tts.GetAudioAsync("第二句。", cancellationToken: Timeout()).WaitAsync(TimeSpan.FromSeconds(30));

        first.Contents.OfType<DataContent>().Single().Data.Length.ShouldBeGreaterThan(0);
        second.Contents.OfType<DataContent>().Single().Data.Length.ShouldBeGreaterThan(0);
        _fake.Tts.Count().ShouldBe(3); // refused, retried, then the second sentence
        _fake.Upgrades.Count.ShouldBeLessThanOrEqualTo(2, "a finished task's socket carries the next task");
    }

    [Fact]
    public async Task A_task_failed_after_audio_is_not_retried_and_says_why()
    {
        _fake.FailSentence = (task, sentence) => sentence == 0;
        using var tts = DashScopeEngines.CreateTextToSpeechClient(Options(DashScopeEngines.DefaultTtsModel), 16_000);
        var heard = 0;
        var failure = await Should.ThrowAsync<DashScopeTaskFailedException>(async () =>
        {
            await foreach (var update in tts.GetStreamingAudioAsync("One long sentence that fails after its first audio frame.").WithCancellation(Timeout()))
            {
                heard += update.Contents.OfType<DataContent>().Sum(d => d.Data.Length);
            }
        });

        failure.ErrorCode.ShouldBe("InternalError");
        failure.Message.ShouldContain("scripted failure mid-sentence");
        heard.ShouldBeGreaterThan(0);
        _fake.Tts.Count().ShouldBe(1);
    }

    [Fact]
    public async Task A_task_that_goes_quiet_after_finish_task_fails_instead_of_holding_the_reply()
    {
        // The first sentence is spoken as soon as it is complete; the held last one never comes.
        _fake.StallAfterFinish = true;
        var options = Options(DashScopeEngines.DefaultTtsModel);
        options.Timeout = TimeSpan.FromSeconds(1);
        using var tts = DashScopeEngines.CreateTextToSpeechClient(options, 16_000);
        var heard = 0;
        var stalled = await Should.ThrowAsync<TimeoutException>(async () =>
        {
            await foreach (var update in tts.GetStreamingAudioAsync("The first sentence is spoken. The second one never is.").WithCancellation(Timeout()))
            {
                heard += update.Contents.OfType<DataContent>().Sum(d => d.Data.Length);
            }
        });

        stalled.Message.ShouldContain("after finish-task");
        heard.ShouldBeGreaterThan(0);
        _fake.Tts.ShouldHaveSingleItem().FinishReceived.ShouldBeTrue();
    }

    [Fact]
    public async Task A_duplex_task_that_gets_no_new_text_fails_instead_of_holding_the_turn()
    {
        // The LLM sends a sentence and the start of the next, then nothing more and never its end.
        var options = Options(DashScopeEngines.DefaultTtsModel);
        options.MaxTextGap = TimeSpan.FromMilliseconds(300);
        using var tts = DashScopeEngines.CreateTextToSpeechClient(options, 16_000);
        var duplex = tts.GetService<IDuplexTextToSpeech>().ShouldNotBeNull();
        await using var synthesis = await duplex.StartAsync(null, Timeout());
        await synthesis.SendAsync("第一句。还有", Timeout());
        var heard = 0;
        var gap = await Should.ThrowAsync<TimeoutException>(async () =>
        {
            await foreach (var update in synthesis.ReadAsync(Timeout()))
            {
                heard += update.Audio?.Data.Length ?? 0;
            }
        });

        gap.Message.ShouldContain("no new text from the LLM");
        heard.ShouldBeGreaterThan(0, "the sentence that was complete is spoken first");
        var task = _fake.Tts.ShouldHaveSingleItem();
        task.FinishReceived.ShouldBeFalse();
        task.Spoken.ShouldBe(["第一句。"]);
    }

    [Fact]
    public async Task Paraformer_streams_partials_then_the_final_text()
    {
        using var asr = DashScopeEngines.CreateSpeechToTextClient(Options(DashScopeEngines.DefaultAsrModel));
        using var audio = new MemoryStream(FakeDashScopeServer.Tone(16_000, 1500));
        var updates = new List<SpeechToTextResponseUpdate>();
        await foreach (var u in asr.GetStreamingTextAsync(audio, new SpeechToTextOptions { SpeechSampleRate = 16_000, SpeechLanguage = "zh" }).WithCancellation(Timeout()))
        {
            updates.Add(u);
        }

        updates.First().Kind.ShouldBe(SpeechToTextResponseUpdateKind.TextUpdating);
        updates.Last().Kind.ShouldBe(SpeechToTextResponseUpdateKind.TextUpdated);
        updates.Last().Text.ShouldBe(_fake.Transcript);
        var task = _fake.Asr.ShouldHaveSingleItem();
        task.AudioBytes.ShouldBe(48_000);
        task.Parameters.GetProperty("language_hints")[0].GetString().ShouldBe("zh");
        task.RunTask.GetProperty("payload").GetProperty("model").GetString().ShouldBe("paraformer-realtime-v2");
    }

    [Fact]
    public void Options_name_the_bad_key_and_never_show_the_api_key()
    {
        var options = new DashScopeEngineOptions { BaseUrl = "https://dashscope.aliyuncs.com", ApiKey = Key, Model = "", SampleRate = 11_025 };
        var errors = string.Join(" ", options.Validate("VoiceAgent:Tts:DashScope"));
        errors.ShouldContain("VoiceAgent:Tts:DashScope:BaseUrl must be an absolute ws(s) URL");
        errors.ShouldContain("VoiceAgent:Tts:DashScope:Model is required");
        errors.ShouldContain("VoiceAgent:Tts:DashScope:SampleRate");
        new DashScopeEngineOptions { Model = "cosyvoice-v2", MaxTextGap = TimeSpan.Zero }.Validate("T").ShouldHaveSingleItem().ShouldContain("T:MaxTextGap");
        options.ToString().ShouldNotContain(Key);
        errors.ShouldNotContain(Key);
    }

    private DashScopeEngineOptions Options(string model) =>
        new() { BaseUrl = _fake.BaseUrl, ApiKey = Key, Model = model, Voice = "longxiaochun_v2", MaxRetries = 1, RetryBaseDelay = TimeSpan.Zero, Timeout = TimeSpan.FromSeconds(20) };

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;
}
