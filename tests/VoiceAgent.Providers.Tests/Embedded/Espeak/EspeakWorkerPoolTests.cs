using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Providers.Embedded.Espeak;
using static VoiceAgent.Providers.Tests.Embedded.Espeak.EspeakTestAudio;

namespace VoiceAgent.Providers.Tests.Embedded.Espeak;

/// <summary>The pool of eSpeak worker processes: parallel synthesis, a worker that dies, and no worker left behind.</summary>
public sealed class EspeakWorkerPoolTests
{
    private const string Sentence = "The quick brown fox jumps over the lazy dog.";

    // Minutes of speech: far more than the 64 KiB pipe holds, so a worker whose reader is held is still speaking.
    private static readonly string Paragraph = string.Join(' ', Enumerable.Repeat(Sentence, 200));

    private static readonly EspeakEngine Engine = EspeakEngine.GetShared();

    private static EspeakSpeech Speech(string text) => new(text, Engine.Voices.Resolve("en")!, 175, 50, 100);

    private static LinearResampler Resampler() => new(Engine.SampleRate, 16_000);

    [Fact]
    public async Task A_worker_killed_mid_sentence_fails_that_request_and_a_new_worker_speaks_the_next_sentence()
    {
        using var pool = new EspeakWorkerPool(1, Engine.SampleRate, null);
        var killed = 0;
        pool.AudioStarted = pid =>
        {
            // Runs while the reply is being read, so the worker is blocked mid-paragraph on a full pipe when it dies.
            killed = pid;
            using var worker = Process.GetProcessById(pid);
            worker.Kill();
            worker.WaitForExit(TestTimeout).ShouldBeTrue();
        };

        using (var resampler = Resampler())
        {
            var failure = await Should.ThrowAsync<EspeakWorkerException>(pool.SynthesizeAsync(Speech(Paragraph), resampler, CancellationToken.None).WaitAsync(TestTimeout));
            failure.ShouldBeAssignableTo<IOException>(); // the engine resilience retries or falls back on it
        }

        killed.ShouldNotBe(0);
        pool.WorkerProcessIds.ShouldBeEmpty();
        pool.AudioStarted = null;
        using (var resampler = Resampler())
        {
            var next = await pool.SynthesizeAsync(Speech(Sentence), resampler, CancellationToken.None).WaitAsync(TestTimeout);
            next.Samples.Length.ShouldBeGreaterThan(16_000);
            next.Words.Count.ShouldBe(9);
        }

        pool.WorkerProcessIds.ShouldHaveSingleItem().ShouldNotBe(killed);
    }

    [Fact]
    public async Task Two_sentences_are_spoken_at_the_same_time_by_two_different_worker_processes()
    {
        using var pool = new EspeakWorkerPool(2, Engine.SampleRate, null);
        using var bothSpeaking = new CountdownEvent(2);
        var speakers = new ConcurrentBag<int>();
        var metTheOther = new ConcurrentBag<bool>();
        pool.AudioStarted = pid =>
        {
            // Each request holds its first audio until the other one has audio too: only two workers at once get past here.
            speakers.Add(pid);
            bothSpeaking.Signal();
            metTheOther.Add(bothSpeaking.Wait(TestTimeout));
        };

        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            using var resampler = Resampler();
            return await pool.SynthesizeAsync(Speech(Sentence), resampler, CancellationToken.None);
        }))).WaitAsync(TestTimeout);

        metTheOther.ShouldAllBe(met => met);
        speakers.Distinct().Count().ShouldBe(2);
        pool.WorkerProcessIds.Order().ShouldBe(speakers.Order());
        results.ShouldAllBe(r => r.Samples.Length > 16_000 && r.Words.Count == 9);
    }

    [Fact]
    public async Task A_cancelled_request_leaves_its_worker_in_step_for_the_next_one()
    {
        using var pool = new EspeakWorkerPool(1, Engine.SampleRate, null);
        using var cts = new CancellationTokenSource();
        pool.AudioStarted = _ => cts.Cancel();
        using (var resampler = Resampler())
        {
            await Should.ThrowAsync<OperationCanceledException>(pool.SynthesizeAsync(Speech(Paragraph), resampler, cts.Token).WaitAsync(TestTimeout));
        }

        var worker = pool.WorkerProcessIds.ShouldHaveSingleItem();
        pool.AudioStarted = null;
        using (var resampler = Resampler())
        {
            (await pool.SynthesizeAsync(Speech(Sentence), resampler, CancellationToken.None).WaitAsync(TestTimeout)).Words.Count.ShouldBe(9);
        }

        pool.WorkerProcessIds.ShouldHaveSingleItem().ShouldBe(worker);
    }

    [Fact]
    public async Task Disposing_the_pool_ends_its_worker_processes()
    {
        var pool = new EspeakWorkerPool(2, Engine.SampleRate, null);
        using (var resampler = Resampler())
        {
            await pool.SynthesizeAsync(Speech(Sentence), resampler, CancellationToken.None).WaitAsync(TestTimeout);
        }

        var workers = pool.WorkerProcessIds.Select(Process.GetProcessById).ToList();
        workers.ShouldNotBeEmpty();

        pool.Dispose();

        foreach (var worker in workers)
        {
            using (worker)
            {
                await worker.WaitForExitAsync().WaitAsync(TestTimeout);
            }
        }

        pool.WorkerProcessIds.ShouldBeEmpty();
    }

    [Fact]
    public async Task Voice_speed_and_pitch_sound_the_same_on_a_worker_as_in_process()
    {
        using var inProcess = CreateClient(workers: 0);
        using var pooled = CreateClient(workers: 2);
        pooled.Synthesizer.ShouldBeOfType<EspeakWorkerPool>();
        foreach (var options in new TextToSpeechOptions?[] { null, new() { VoiceId = "cmn" }, new() { Speed = 1.6f, Pitch = 0.4f, Volume = 0.5f } })
        {
            var expected = await inProcess.GetAudioAsync("你好，今天天气很好。 The quick brown fox.", options).WaitAsync(TestTimeout);
            var actual = await pooled.GetAudioAsync("你好，今天天气很好。 The quick brown fox.", options).WaitAsync(TestTimeout);

            // eSpeak's pauses vary by a few ms between calls (NATIVE-NOTES.md): lengths within 100 ms, the same words, the same loudness.
            Samples(actual).Length.ShouldBeInRange(Samples(expected).Length - 1600, Samples(expected).Length + 1600);
            Words(actual).Select(w => w.Text).ShouldBe(Words(expected).Select(w => w.Text));
            Rms(Samples(actual)).ShouldBe(Rms(Samples(expected)), Rms(Samples(expected)) * 0.1);
        }
    }
}
