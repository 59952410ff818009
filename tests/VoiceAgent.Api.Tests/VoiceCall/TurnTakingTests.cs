using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Turns;
using Xunit.Abstractions;

namespace VoiceAgent.Api.Tests.VoiceCall;

/// <summary>
/// Turn taking on the real host with the embedded engines (WebRTC VAD, PocketSphinx, the dialogue engine, eSpeak), flite
/// speech streamed at real-time pace: pauses inside a sentence, quick answers, backchannels and real interruptions.
/// </summary>
public sealed class TurnTakingTests(ITestOutputHelper output)
{
    private static readonly TimeSpan LongWait = TimeSpan.FromSeconds(90);

    // The FAQ skill answers first: any question the recogniser hears "twelve" in gets this many-sentence answer.
    private static Dictionary<string, string?> LongAnswer(int sentences) => new()
    {
        ["VoiceAgent:Llm:Embedded:Faq:0:Patterns:0"] = "twelve",
        ["VoiceAgent:Llm:Embedded:Faq:0:Answer"] = string.Join(" ", Enumerable.Range(1, sentences).Select(i => $"This is sentence number {i} of the long answer.")),
    };

    private static Dictionary<string, string?> With(Dictionary<string, string?> settings, params (string Key, string Value)[] more)
    {
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    [Fact]
    public async Task A_pause_inside_a_sentence_does_not_end_the_turn()
    {
        await using var host = await ServiceHost.StartAsync();
        await using var call = await VoiceCallClient.ConnectAsync(host);
        byte[] speech =
        [
            .. TestAudio.FlitePcm("I would like to book a table for", silenceMs: 800),
            .. TestAudio.FlitePcm("four people tonight", silenceMs: 2500),
        ];
        await call.StreamAsync("pause", speech);
        var end = await call.WaitForAsync("turn_end", timeout: LongWait);

        var asr = call.Json("asr").ToList();
        foreach (var a in asr)
        {
            output.WriteLine($"asr turn {a.GetProperty("turn_id")} final={a.GetProperty("final")}: {a.GetProperty("msg")}");
        }

        var finals = asr.Where(a => a.GetProperty("final").GetBoolean()).ToList();
        finals.Count.ShouldBe(1, "one turn: the pause after \"for\" left the sentence open");
        var words = finals[0].GetProperty("msg").GetString()!;
        words.ShouldContain("table");
        words.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBeGreaterThan(8, "the words after the pause belong to the same turn");
        end.Json!.Value.GetProperty("turn_id").GetInt64().ShouldBe(finals[0].GetProperty("turn_id").GetInt64());
    }

    [Fact]
    public async Task A_client_that_stops_sending_after_its_question_is_still_answered()
    {
        await using var host = await ServiceHost.StartAsync();
        await using var call = await VoiceCallClient.ConnectAsync(host);

        // No trailing silence and the socket stays open: only the wall clock can tell that the user has finished.
        await call.StreamAsync("stopped", TestAudio.FlitePcm("what is twelve times seven"));
        var end = await call.WaitForAsync("turn_end", timeout: LongWait);

        var final = call.Json("asr").Single(a => a.GetProperty("final").GetBoolean());
        final.GetProperty("msg").GetString()!.ShouldContain("twelve");
        call.Json("text").ShouldNotBeEmpty();
        call.All.ShouldContain(r => r.Binary != null);
        end.Json!.Value.GetProperty("turn_id").GetInt64().ShouldBe(final.GetProperty("turn_id").GetInt64());
    }

    [Fact]
    public async Task A_complete_question_is_still_answered_quickly()
    {
        await using var host = await ServiceHost.StartAsync();
        await using var call = await VoiceCallClient.ConnectAsync(host);
        var question = TestAudio.FlitePcm("what is twelve times seven");
        await call.StreamAsync("quick", question);

        // The microphone goes on with silence; watch when partials and the first audio arrive after the last word was sent.
        var spoken = Stopwatch.StartNew();
        var silence = call.StreamAsync("quick", new byte[32 * 2000], seed: 2);
        var seen = new List<string>();
        var asrBefore = call.Json("asr").Count();
        while (!call.All.Any(r => r.Binary != null) && spoken.Elapsed < LongWait)
        {
            var asrNow = call.Json("asr").ToList();
            seen.AddRange(asrNow.Skip(asrBefore + seen.Count).Select(a => $"{spoken.ElapsedMilliseconds} ms: {a.GetProperty("msg")}"));
            await Task.Delay(5);
        }

        var firstAudioMs = spoken.ElapsedMilliseconds;
        await silence;
        var end = await call.WaitForAsync("turn_end", timeout: LongWait);

        // Reported, not asserted (timings belong to the benchmark).
        output.WriteLine($"last word sent → first agent audio: {firstAudioMs} ms; transcripts after the last word: {string.Join(" | ", seen)}");
        var final = call.Json("asr").Single(a => a.GetProperty("final").GetBoolean());
        final.GetProperty("msg").GetString()!.ShouldContain("twelve");
        call.Json("text").ShouldNotBeEmpty();
        call.All.ShouldContain(r => r.Binary != null);
        end.Json!.Value.GetProperty("latency_ms").GetProperty("first_audio").GetDouble().ShouldBeGreaterThan(0);
    }

    [Theory]
    [InlineData("uh huh")]
    [InlineData("okay")]
    [InlineData("yeah")]
    public async Task A_backchannel_over_the_agent_does_not_interrupt_and_the_reply_resumes_complete(string backchannel)
    {
        await using var host = await ServiceHost.StartAsync(LongAnswer(4));
        using var outcomes = new InterruptionOutcomes(host.Service<IMeterFactory>());
        await using var call = await VoiceCallClient.ConnectAsync(host);
        await call.StreamAsync("backchannel", TestAudio.FlitePcm("what is twelve times seven", silenceMs: 1200));
        var first = await call.WaitForAsync("text", timeout: LongWait);
        var turn = first.Json!.Value.GetProperty("turn_id").GetInt64();

        // Into the reply, the listener says "uh huh" and keeps listening (the client streams silence, as a microphone does).
        await call.StreamAsync("backchannel", new byte[32 * 1500], seed: 2);
        await call.StreamAsync("backchannel", TestAudio.FlitePcm(backchannel, silenceMs: 4000), seed: 3);
        var end = await call.WaitForAsync("turn_end", timeout: LongWait);

        var stored = await host.Service<IConversationStore>().GetAsync("backchannel");
        output.WriteLine(string.Join(" / ", stored!.Messages.Select(m => $"{m.Role}: {m.Text}")));
        output.WriteLine(call.Describe());
        end.Json!.Value.GetProperty("turn_id").GetInt64().ShouldBe(turn);
        call.Json("interrupt").ShouldBeEmpty();
        var texts = call.Json("text").Select(t => t.GetProperty("msg").GetString()).ToList();
        texts.ShouldBe(Enumerable.Range(1, 4).Select(i => $"This is sentence number {i} of the long answer."));
        // At most the answered turn: the backchannel is no turn of its own (a question the VAD cut in two has its first part's final too).
        call.Json("asr").ShouldAllBe(a => a.GetProperty("turn_id").GetInt64() <= turn, "the backchannel is no turn of its own");

        stored.Messages.Count.ShouldBe(2);
        stored.Messages[1].Interrupted.ShouldBeFalse();
        stored.Messages[1].Text.ShouldEndWith("This is sentence number 4 of the long answer.");
        outcomes[InterruptionPolicy.Confirmed].ShouldBe(0);
        outcomes[InterruptionPolicy.Backchannel].ShouldBeGreaterThan(0, "the backchannel was heard, and counted as one");
    }

    [Fact]
    public async Task Real_words_whose_final_transcript_comes_after_the_reply_resumed_still_interrupt_and_are_answered()
    {
        // The timeout is 100 ms, and two real words are needed: "stop please" has them only in its final transcript (a
        // partial's last word is not settled), which comes after the timeout however fast the recogniser is.
        var settings = With(
            LongAnswer(8),
            ("VoiceAgent:Pipeline:Interruptions:FalseInterruptionTimeoutMs", "100"),
            ("VoiceAgent:Pipeline:Interruptions:MinInterruptionWords", "2"));
        await using var host = await ServiceHost.StartAsync(settings);
        using var outcomes = new InterruptionOutcomes(host.Service<IMeterFactory>());
        await using var call = await VoiceCallClient.ConnectAsync(host);
        await call.StreamAsync("late", TestAudio.FlitePcm("what is twelve times seven", silenceMs: 1200));
        var first = await call.WaitForAsync("text", timeout: LongWait);
        var turn = first.Json!.Value.GetProperty("turn_id").GetInt64();

        await call.StreamAsync("late", new byte[32 * 1500], seed: 2);
        await call.StreamAsync("late", TestAudio.FlitePcm("stop please", silenceMs: 2500), seed: 3);
        var interrupt = await call.WaitForAsync("interrupt", timeout: LongWait);
        interrupt.Json!.Value.GetProperty("turn_id").GetInt64().ShouldBe(turn);
        var end = await call.WaitForAsync("turn_end", j => j.GetProperty("turn_id").GetInt64() > turn, LongWait);

        output.WriteLine(call.Describe());
        var next = end.Json!.Value.GetProperty("turn_id").GetInt64();
        call.Json("asr").ShouldContain(a => a.GetProperty("turn_id").GetInt64() == next && a.GetProperty("final").GetBoolean());
        call.Json("text").ShouldContain(t => t.GetProperty("turn_id").GetInt64() == next, "the interruption is answered");
        // Whether the reply resumed first depends on when the partials came (the policy's unit tests pin that order down).
        output.WriteLine($"interruptions: {outcomes[InterruptionPolicy.Resumed]} resumed, {outcomes[InterruptionPolicy.Confirmed]} confirmed");
        outcomes[InterruptionPolicy.Confirmed].ShouldBe(1);

        var stored = await host.Service<IConversationStore>().GetAsync("late");
        stored!.Messages[1].Interrupted.ShouldBeTrue();
    }

    /// <summary>The host's <c>voiceagent.interruptions</c> counts by outcome (only this host's meter: tests run side by side).</summary>
    private sealed class InterruptionOutcomes : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<string, long> _counts = new();

        public InterruptionOutcomes(IMeterFactory host)
        {
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, host) && instrument.Meter.Name == PipelineMetrics.MeterName && instrument.Name == "voiceagent.interruptions")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag is { Key: "outcome", Value: string outcome })
                    {
                        _counts.AddOrUpdate(outcome, value, (_, v) => v + value);
                    }
                }
            });
            _listener.Start();
        }

        public long this[string outcome] => _counts.TryGetValue(outcome, out var v) ? v : 0;

        public void Dispose() => _listener.Dispose();
    }

    [Fact]
    public async Task A_real_interruption_stops_the_agent_and_the_new_question_is_answered()
    {
        await using var host = await ServiceHost.StartAsync(LongAnswer(6));
        await using var call = await VoiceCallClient.ConnectAsync(host);
        await call.StreamAsync("interrupt", TestAudio.FlitePcm("what is twelve times seven", silenceMs: 1200));
        var first = await call.WaitForAsync("text", timeout: LongWait);
        var turn = first.Json!.Value.GetProperty("turn_id").GetInt64();

        await call.StreamAsync("interrupt", new byte[32 * 1500], seed: 2);
        await call.StreamAsync("interrupt", TestAudio.FlitePcm("wait, what time is it", silenceMs: 2500), seed: 3);
        var interrupt = await call.WaitForAsync("interrupt", timeout: LongWait);
        interrupt.Json!.Value.GetProperty("turn_id").GetInt64().ShouldBe(turn);
        var end = await call.WaitForAsync("turn_end", j => j.GetProperty("turn_id").GetInt64() > turn, LongWait);

        output.WriteLine(call.Describe());
        var next = end.Json!.Value.GetProperty("turn_id").GetInt64();
        call.Json("text").ShouldContain(t => t.GetProperty("turn_id").GetInt64() == next, "the new question is answered aloud");
        call.Json("text").Count(t => t.GetProperty("turn_id").GetInt64() == turn).ShouldBeLessThan(6, "the long answer stopped");

        var stored = await host.Service<IConversationStore>().GetAsync("interrupt");
        stored!.Messages[1].Interrupted.ShouldBeTrue();
        stored.Messages.Count.ShouldBe(4);
    }
}
