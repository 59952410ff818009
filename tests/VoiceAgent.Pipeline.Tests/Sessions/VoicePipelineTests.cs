using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Tests.Fakes;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Pipeline.Tests.Sessions;

public class VoicePipelineTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly AudioFormat Format = AudioFormat.Pcm16Mono16k;

    [Fact]
    public async Task Audio_in_becomes_transcript_sentences_and_audio_out_in_order()
    {
        var (factory, _, _, tts) = Build();
        var conversation = new Conversation("s1", SessionSettings.Default);
        await using var chain = factory.StartVoiceCall(conversation, CancellationToken.None);
        var tracker = new ReplyTracker(conversation, chain.Turns);

        await Feed(chain, Tone(1000), Silence(TrailingSilenceMs));
        await chain.Input.WriteAsync(new EndOfInputFrame()).AsTask().WaitAsync(Timeout);
        var frames = await ReadUntil(chain, tracker, f => f is EndOfInputFrame);

        var turn = frames.OfType<UserSpeechStartedFrame>().Single().Turn;
        var finalIndex = frames.FindIndex(f => f is TranscriptFrame { IsFinal: true });
        finalIndex.ShouldBeGreaterThan(0);
        var final = (TranscriptFrame)frames[finalIndex];
        final.Text.ShouldStartWith("heard ");
        frames.Take(finalIndex).OfType<TranscriptFrame>().ShouldAllBe(t => !t.IsFinal);
        frames.OfType<TranscriptFrame>().Count(t => !t.IsFinal).ShouldBeGreaterThan(0);

        var sentences = frames.OfType<SentenceAudioStartedFrame>().ToList();
        string.Concat(sentences.Select(s => s.Text)).ShouldBe($"You said {final.Text}. That is all.");
        tts.Spoken.ShouldBe([$"You said {final.Text}.", "That is all."]);

        // Each sentence is announced before its audio, and the audio chunks are at most 40 ms.
        var firstAudio = frames.FindIndex(f => f is AgentAudioFrame);
        firstAudio.ShouldBeGreaterThan(frames.IndexOf(sentences[0]));
        frames.IndexOf(sentences[1]).ShouldBeGreaterThan(firstAudio);
        frames.OfType<AgentAudioFrame>().ShouldAllBe(a => a.Audio.Data.Length <= Format.BytesFor(40) && a.Turn == turn);

        // Word timings continue across sentences on the reply's audio clock.
        var words = sentences.SelectMany(s => s.Words).ToList();
        words.Select(w => w.Start).ShouldBeInOrder();
        sentences[1].Words[0].Start.ShouldBe(sentences[1].ReplyOffset);
        var audioMs = frames.OfType<AgentAudioFrame>().Sum(a => a.Audio.Duration.TotalMilliseconds);
        words[^1].End.TotalMilliseconds.ShouldBeLessThanOrEqualTo(audioMs + 1);

        frames.OfType<ReplyEndFrame>().Single().FinishReason.ShouldBe("stop");
        conversation.History.Count.ShouldBe(2);
        chain.Timeline.Latency(turn, TurnMilestone.FirstAudio).ShouldNotBeNull();
    }

    [Fact]
    public async Task The_recogniser_hears_only_each_turns_speech_never_the_silence_or_noise_between_turns()
    {
        var (factory, asr, _, _) = Build();
        var heard = new List<byte[]>();
        asr.TextCallback = audio =>
        {
            heard.Add(audio);
            return $"heard {audio.Length} bytes";
        };
        var conversation = new Conversation("s-only-speech", SessionSettings.Default);
        await using var chain = factory.StartVoiceCall(conversation, CancellationToken.None);
        var tracker = new ReplyTracker(conversation, chain.Turns);
        var options = new PipelineOptions().Vad;

        // 4 s of room noise below the detector's threshold, a 1 s turn, 6 s of silence and noise, a 0.8 s turn, silence.
        byte[][] call = [Noise(4000), Tone(1000), Silence(TrailingSilenceMs), Noise(6000), Tone(800), Silence(TrailingSilenceMs)];
        await Feed(chain, call);
        await chain.Input.WriteAsync(new EndOfInputFrame()).AsTask().WaitAsync(Timeout);
        await ReadUntil(chain, tracker, f => f is EndOfInputFrame);

        // One recognition per turn, each holding its speech, at most the pre-roll before it and the end-of-turn wait after it.
        asr.Calls.ShouldBe(2);
        heard.Count.ShouldBe(2);
        int[] speechMs = [1000, 800];
        for (var i = 0; i < 2; i++)
        {
            var samples = Pcm16.ToSamples(heard[i]);
            var loud = samples.Select((v, index) => (v, index)).Where(x => Math.Abs((int)x.v) > 1000).Select(x => x.index).ToList();
            (loud[0] * 1000 / Format.SampleRate).ShouldBeLessThanOrEqualTo(options.PreRollMs + options.FrameMs);
            ((samples.Length - loud[^1]) * 1000 / Format.SampleRate).ShouldBeLessThanOrEqualTo(options.MaxEndSilenceMs + options.FrameMs);
            ((loud[^1] - loud[0]) * 1000 / Format.SampleRate).ShouldBeInRange(speechMs[i] - options.FrameMs, speechMs[i]);
        }

        // Together far less than the call: the 10 s between and before the turns never reached the recogniser.
        heard.Sum(h => h.Length).ShouldBeLessThan(call.Sum(c => c.Length) - Format.BytesFor(9000));
    }

    [Fact]
    public async Task A_client_that_stops_sending_after_speaking_still_has_its_turn_ended_and_answered()
    {
        var (factory, _, _, tts) = Build();
        var conversation = new Conversation("s-missing", SessionSettings.Default);
        await using var chain = factory.StartVoiceCall(conversation, CancellationToken.None);
        var tracker = new ReplyTracker(conversation, chain.Turns);

        // Speech and then nothing: no trailing silence, no end of input. The missing audio counts as silence by the clock.
        await Feed(chain, Tone(1000));
        var frames = await ReadUntil(chain, tracker, f => f is ReplyEndFrame);

        var turn = frames.OfType<UserSpeechStartedFrame>().Single().Turn;
        frames.OfType<TranscriptFrame>().Single(t => t.IsFinal).Text.ShouldStartWith("heard ");
        chain.Timeline.Latency(turn, TurnMilestone.FirstAudio).ShouldNotBeNull();
        frames.OfType<ReplyEndFrame>().Single().FinishReason.ShouldBe("stop");
        tts.Spoken.ShouldNotBeEmpty();
    }

    [Fact]
    public async Task A_turn_whose_final_comes_after_the_next_turn_began_still_reaches_the_listener_and_is_answered_with_it()
    {
        var (factory, asr, _, _) = Build();
        var firstFinalDue = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var nextTurnBegan = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        asr.BeforeFinal = call =>
        {
            if (call != 1)
            {
                return Task.CompletedTask;
            }

            firstFinalDue.SetResult();
            return nextTurnBegan.Task;
        };
        var conversation = new Conversation("s-late-final", SessionSettings.Default);
        await using var chain = factory.StartVoiceCall(conversation, CancellationToken.None);
        var tracker = new ReplyTracker(conversation, chain.Turns);

        // The user pauses long enough to end the turn and speaks on; the recogniser is still finishing the first part
        // (held here until the VAD has begun the second turn, as a recogniser under load is).
        await Feed(chain, Tone(1000), Silence(TrailingSilenceMs));
        await firstFinalDue.Task.WaitAsync(Timeout);
        var first = chain.Turns.Current;
        await Feed(chain, Tone(800));
        await WaitUntilAsync(() => chain.Turns.Current != first);
        nextTurnBegan.SetResult();
        await Feed(chain, Silence(TrailingSilenceMs));
        var frames = await ReadUntil(chain, tracker, f => f is ReplyEndFrame);

        var second = frames.OfType<UserSpeechStartedFrame>().Single().Turn;
        var finals = frames.OfType<TranscriptFrame>().Where(t => t.IsFinal).ToList();
        finals.Select(f => f.Turn).ShouldBe([first, second], "each turn's one final reaches the listener, the superseded one's too");
        frames.OfType<ReplyEndFrame>().Single().Turn.ShouldBe(second);
        var said = string.Concat(frames.OfType<SentenceAudioStartedFrame>().Select(s => s.Text));
        said.ShouldBe($"You said {finals[0].Text} {finals[1].Text}. That is all.", "the answer covers both parts");
        conversation.History[0].Text.ShouldBe($"{finals[0].Text} {finals[1].Text}");
    }

    [Fact]
    public async Task A_late_final_whose_turn_a_typed_turn_already_answered_is_not_carried_onto_the_next_question()
    {
        var (factory, _, _, _) = Build();
        var conversation = new Conversation("s-late-after-dtmf", SessionSettings.Default);
        await using var chain = factory.StartVoiceCall(conversation, CancellationToken.None);
        var tracker = new ReplyTracker(conversation, chain.Turns);

        // The user is speaking when a DTMF (or typed) turn comes in; it supersedes the spoken turn and is answered at once.
        await Feed(chain, Tone(1000));
        await WaitUntilAsync(() => chain.Turns.Current != TurnId.None);
        var first = chain.Turns.Current;
        var typed = chain.Turns.BeginTurn();
        await chain.Input.WriteAsync(new TranscriptFrame(typed, "DTMF: 42", IsFinal: true)).AsTask().WaitAsync(Timeout);
        var typedFrames = await ReadUntil(chain, tracker, f => f is ReplyEndFrame);
        typedFrames.OfType<ReplyEndFrame>().Single().Turn.ShouldBe(typed);

        // The spoken turn's final comes after that answer: it reaches the listener, but the next question is the user's own.
        await Feed(chain, Silence(TrailingSilenceMs), Tone(800), Silence(TrailingSilenceMs));
        var frames = await ReadUntil(chain, tracker, f => f is ReplyEndFrame);

        var finals = typedFrames.Concat(frames).OfType<TranscriptFrame>().Where(t => t.IsFinal && t.Turn != typed).ToList();
        finals.Select(f => f.Turn).ShouldContain(first, "the late final still reaches the listener");
        var next = finals[^1];
        next.Turn.ShouldBeGreaterThan(typed);
        string.Concat(frames.OfType<SentenceAudioStartedFrame>().Select(s => s.Text)).ShouldBe($"You said {next.Text}. That is all.");
        conversation.History.Select(m => m.Text).ShouldBe(["DTMF: 42", "You said DTMF: 42. That is all.", next.Text, $"You said {next.Text}. That is all."]);
    }

    [Theory]
    [InlineData("...")]
    [InlineData("[BLANK_AUDIO]")]
    public async Task A_turn_whose_final_transcript_has_no_words_sends_nothing_to_the_llm_and_gets_no_reply(string heard)
    {
        var (factory, asr, llm, tts) = Build();
        asr.TextCallback = _ => heard;
        var conversation = new Conversation("s-wordless", SessionSettings.Default);
        await using var chain = factory.StartVoiceCall(conversation, CancellationToken.None);
        var tracker = new ReplyTracker(conversation, chain.Turns);

        await Feed(chain, Tone(1000), Silence(TrailingSilenceMs));
        await chain.Input.WriteAsync(new EndOfInputFrame()).AsTask().WaitAsync(Timeout);
        var frames = await ReadUntil(chain, tracker, f => f is EndOfInputFrame);

        frames.OfType<TranscriptFrame>().Single(t => t.IsFinal).Text.ShouldBe(heard);
        llm.Requests.ShouldBeEmpty();
        frames.ShouldNotContain(f => f is ReplyTextFrame || f is SentenceAudioStartedFrame || f is AgentAudioFrame || f is ReplyEndFrame);
        tts.Spoken.ShouldBeEmpty();
        conversation.History.ShouldBeEmpty();
    }

    [Fact]
    public async Task Barge_in_interrupts_the_reply_and_nothing_of_the_old_turn_follows()
    {
        var (factory, _, llm, tts) = Build();
        // The first request has no history; the second has the first turn in it.
        llm.ReplyCallback = m => m.Count > 1
            ? "Second answer."
            : string.Join(" ", Enumerable.Range(1, 40).Select(i => $"Sentence number {i}."));
        tts.ChunkDelay = TimeSpan.FromMilliseconds(5);
        var conversation = new Conversation("s2", SessionSettings.Default);
        await using var chain = factory.StartVoiceCall(conversation, CancellationToken.None);
        var tracker = new ReplyTracker(conversation, chain.Turns);

        await Feed(chain, Tone(1000), Silence(TrailingSilenceMs));
        var first = await ReadUntil(chain, tracker, f => f is AgentAudioFrame);
        var firstTurn = first.OfType<UserSpeechStartedFrame>().Single().Turn;

        // The user talks over the agent: more than BargeInMs of speech.
        var feeding = Feed(chain, Tone(1000), Silence(TrailingSilenceMs));
        var rest = await ReadUntil(chain, tracker, f => f is ReplyEndFrame end && end.Turn > firstTurn);
        await feeding;

        var interrupt = rest.FindIndex(f => f is InterruptFrame);
        interrupt.ShouldBeGreaterThanOrEqualTo(0);
        ((InterruptFrame)rest[interrupt]).Turn.ShouldBe(firstTurn);
        rest.Skip(interrupt + 1).OfType<TurnFrame>().ShouldAllBe(f => f.Turn > firstTurn);
        rest.OfType<ReplyEndFrame>().ShouldAllBe(e => e.Turn > firstTurn);

        // History holds the first turn cut at what was sent, then the second turn whole.
        var history = conversation.History;
        history.Count.ShouldBe(4);
        var heard = string.Concat(first.Concat(rest).OfType<SentenceAudioStartedFrame>().Where(s => s.Turn == firstTurn).Select(s => s.Text)).Trim();
        history[1].Text.ShouldBe(heard);
        heard.ShouldNotContain("Sentence number 40.");
        history[3].Text.ShouldBe("Second answer.");
        llm.Requests[1][^1].Text.ShouldStartWith("heard ");
        llm.Requests[1][1].Text.ShouldBe(heard);
    }

    [Fact]
    public async Task A_failing_llm_speaks_the_failure_message_and_reports_an_error_without_ending_the_session()
    {
        var (factory, _, llm, tts) = Build();
        llm.ReplyCallback = _ => "One two three four five six.";
        llm.FailWith = (2, new HttpRequestException("connection reset"));
        var conversation = new Conversation("s3", SessionSettings.Default);
        await using var chain = factory.StartVoiceCall(conversation, CancellationToken.None);
        var tracker = new ReplyTracker(conversation, chain.Turns);
        await Feed(chain, Tone(600), Silence(700));
        var frames = await ReadUntil(chain, tracker, f => f is ReplyEndFrame);
        var end = frames.OfType<ReplyEndFrame>().Single();
        end.FinishReason.ShouldBe("error");
        end.Error!.Message.ShouldContain("connection reset");
        tts.Spoken.ShouldContain("Sorry, I'm having trouble answering right now.");

        // The call goes on: the next turn is answered.
        llm.FailWith = null;
        await Feed(chain, Tone(600), Silence(700));
        var next = await ReadUntil(chain, tracker, f => f is ReplyEndFrame);
        next.OfType<ReplyEndFrame>().Single().FinishReason.ShouldBe("stop");
    }

    [Fact]
    public async Task A_tts_engine_timing_out_mid_sentence_is_a_failure_not_a_barge_in()
    {
        var (factory, _, llm, tts) = Build();
        llm.ReplyCallback = _ => "First sentence here. Second one stalls. Third never comes.";

        // The OpenAI SDK reports its network timeout as a cancellation that is not the caller's.
        tts.FailWith = (t => t.Contains("stalls", StringComparison.Ordinal), new TaskCanceledException("The operation was cancelled after its network timeout."));
        var conversation = new Conversation("s4", SessionSettings.Default);
        await using var chain = factory.StartVoiceCall(conversation, CancellationToken.None);
        var tracker = new ReplyTracker(conversation, chain.Turns);
        await Feed(chain, Tone(600), Silence(700));
        var frames = await ReadUntil(chain, tracker, f => f is ReplyEndFrame);

        frames.OfType<ErrorFrame>().Single().Error.Message.ShouldContain("network timeout");
        var end = frames.OfType<ReplyEndFrame>().Single();
        end.FinishReason.ShouldBe("error");
        frames.OfType<InterruptFrame>().ShouldBeEmpty();

        // The listener hears why the reply stopped, and the rest of the reply is not synthesised.
        tts.Spoken.ShouldContain("Sorry, I'm having trouble speaking right now.");
        tts.Spoken.ShouldNotContain("Third never comes.");
        frames.OfType<SentenceAudioStartedFrame>().Last().Text.Trim().ShouldBe("Sorry, I'm having trouble speaking right now.");
    }

    private static (ConversationPipelineFactory Factory, ScriptedSpeechToText Asr, ScriptedChatClient Llm, ToneTextToSpeech Tts) Build()
    {
        var asr = new ScriptedSpeechToText { PartialEveryBytes = 8000 };
        var llm = new ScriptedChatClient();
        var tts = new ToneTextToSpeech { MsPerWord = 120, GapMs = 30 };
        var options = new PipelineOptions();
        options.Vad.MinSpeechMs = 90;
        options.Vad.BargeInMs = 240;
        options.Vad.EndSilenceMs = 450;

        // These tests drive the classic barge-in (BargeInMs of speech interrupts at once) with audio fed faster than real
        // time. The pause-then-confirm policy is wall-clock and word based; InterruptionPolicyTests, PipelineOutputPauseTests
        // and the real-host TurnTakingTests cover it.
        options.Interruptions.Enabled = false;
        var factory = new ConversationPipelineFactory(new EnergyVad(), asr, llm, tts, new LinearResamplerFactory(), Options.Create(options), NullLoggerFactory.Instance);
        return (factory, asr, llm, tts);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    private static async Task Feed(StageChain chain, params byte[][] parts)
    {
        foreach (var part in parts)
        {
            // Varied chunk sizes, as real clients send.
            for (int off = 0, i = 0; off < part.Length; i++)
            {
                var n = Math.Min(part.Length - off, Format.BytesFor(20 + (i % 5 * 20)));
                await chain.Input.WriteAsync(new InputAudioFrame(new AudioChunk(part.AsMemory(off, n).ToArray(), Format))).AsTask().WaitAsync(Timeout);
                off += n;
            }
        }
    }

    private static async Task<List<Frame>> ReadUntil(StageChain chain, ReplyTracker tracker, Func<Frame, bool> stop)
    {
        var frames = new List<Frame>();
        using var cts = new CancellationTokenSource(Timeout);
        while (await chain.Output.ReadAsync(cts.Token) is { } frame)
        {
            frames.Add(frame);
            tracker.Delivered(frame);
            if (stop(frame))
            {
                return frames;
            }
        }

        throw new InvalidOperationException("The pipeline ended before the expected frame: " + string.Join(", ", frames.Select(f => f.GetType().Name)));
    }

    private static byte[] Tone(int ms)
    {
        var n = Format.SamplesFor(ms);
        var s = new short[n];
        for (var i = 0; i < n; i++)
        {
            s[i] = (short)(5000 * Math.Sin(2 * Math.PI * 300 * i / 16_000.0));
        }

        return Pcm16.ToBytes(s);
    }

    // Silence fed after speech outlasts the turn detector's longest wait (MaxEndSilenceMs, 2 s), which lagging partials on
    // a loaded machine can choose, so these tests end their turns on the audio; the missing-audio clock has its own test.
    private const int TrailingSilenceMs = 2500;

    private static byte[] Silence(int ms) => new byte[Format.BytesFor(ms)];

    /// <summary>Quiet room noise (RMS about 170, under the test detector's 500): not speech, but not digital silence either.</summary>
    private static byte[] Noise(int ms)
    {
        var random = new Random(ms);
        var s = new short[Format.SamplesFor(ms)];
        for (var i = 0; i < s.Length; i++)
        {
            s[i] = (short)random.Next(-300, 301);
        }

        return Pcm16.ToBytes(s);
    }
}
