using Microsoft.Extensions.Time.Testing;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Pipeline.Tests.Turns;

public sealed class InterruptionPolicyTests : IDisposable
{
    private static readonly TimeSpan Long = TimeSpan.FromMilliseconds(600);
    private readonly FakeTimeProvider _time = new();
    private readonly TurnManager _turns;
    private readonly UserTranscript _transcript;
    private readonly InterruptionPolicy _policy;
    private readonly TurnId _reply;

    public InterruptionPolicyTests()
    {
        _turns = new TurnManager(CancellationToken.None, _time);
        _transcript = new UserTranscript(_time);
        _policy = new InterruptionPolicy(new InterruptionOptions { MinInterruptionMs = 300, MinInterruptionWords = 1, FalseInterruptionTimeoutMs = 1500 }, _turns, _transcript, _time);

        // The agent is answering turn 1; the recogniser has streamed partials before.
        _reply = _turns.BeginTurn();
        _transcript.Publish(_reply, "tell me a long story", isFinal: false);
        _turns.ReplyStarted(_reply);
    }

    public void Dispose()
    {
        _policy.Dispose();
        _turns.Dispose();
    }

    [Fact]
    public void Speech_over_the_agent_pauses_its_output_at_once_without_interrupting()
    {
        var overlap = _policy.BeginOverlap();

        _turns.OutputResumed.IsCompleted.ShouldBeFalse();
        _turns.Current.ShouldBe(_reply);
        _turns.TokenFor(_reply).IsCancellationRequested.ShouldBeFalse();
        _turns.IsStale(overlap).ShouldBeFalse();
        _turns.IsWithheld(overlap).ShouldBeTrue();
        _turns.Control.TryRead(out _).ShouldBeFalse();
    }

    [Fact]
    public void A_backchannel_never_interrupts_and_the_reply_resumes_when_its_final_arrives()
    {
        var overlap = _policy.BeginOverlap();
        _policy.SpeechProgress(overlap, Long).ShouldBeFalse();
        _transcript.Publish(overlap, "uh huh", isFinal: false);
        _transcript.Publish(overlap, "uh huh", isFinal: true);

        _turns.OutputResumed.IsCompleted.ShouldBeTrue();
        _turns.Current.ShouldBe(_reply);
        _turns.IsStale(overlap).ShouldBeTrue("the backchannel never becomes a turn");
        _turns.TokenFor(_reply).IsCancellationRequested.ShouldBeFalse();
        _turns.Control.TryRead(out _).ShouldBeFalse();
    }

    [Fact]
    public void Real_words_with_enough_speech_interrupt_the_agent()
    {
        var overlap = _policy.BeginOverlap();
        _transcript.Publish(overlap, "wait", isFinal: false);
        _policy.SpeechProgress(overlap, TimeSpan.FromMilliseconds(150)).ShouldBeFalse("too short yet");
        _policy.SpeechProgress(overlap, TimeSpan.FromMilliseconds(330)).ShouldBeFalse("the last word of a partial is not settled yet");
        _turns.Current.ShouldBe(_reply);
        _transcript.Publish(overlap, "wait what", isFinal: false);
        _turns.Current.ShouldBe(_reply, "a lone settled word waits for the final");
        _transcript.Publish(overlap, "wait what time", isFinal: false);

        _turns.Current.ShouldBe(overlap);
        _turns.TokenFor(_reply).IsCancellationRequested.ShouldBeTrue();
        _turns.Control.TryRead(out var interrupt).ShouldBeTrue();
        interrupt.ShouldBe(new InterruptFrame(_reply));
        _turns.OutputResumed.IsCompleted.ShouldBeTrue();
    }

    [Fact]
    public void A_partial_with_real_words_after_enough_speech_interrupts_at_once()
    {
        var overlap = _policy.BeginOverlap();
        _policy.SpeechProgress(overlap, Long).ShouldBeFalse("no words yet");
        _transcript.Publish(overlap, "yeah", isFinal: false);
        _turns.Current.ShouldBe(_reply);
        _transcript.Publish(overlap, "yeah hey", isFinal: false);
        _turns.Current.ShouldBe(_reply, "\"hey\" may still become \"okay\"");
        _transcript.Publish(overlap, "yeah but what about", isFinal: false);
        _turns.Current.ShouldBe(_reply, "\"but what\" was not in the partial before: it may yet change");
        _transcript.Publish(overlap, "yeah but what about tomorrow", isFinal: false);
        _turns.Current.ShouldBe(overlap);
    }

    [Fact]
    public void A_word_that_flickers_through_one_partial_of_a_hum_does_not_interrupt()
    {
        var overlap = _policy.BeginOverlap();
        _policy.SpeechProgress(overlap, Long);
        _transcript.Publish(overlap, "an", isFinal: false);
        _transcript.Publish(overlap, "an end him", isFinal: false);
        _transcript.Publish(overlap, "an and him m", isFinal: false);
        _transcript.Publish(overlap, "an an h m m", isFinal: false);
        _turns.Current.ShouldBe(_reply);
        _transcript.Publish(overlap, "an an h m m", isFinal: true);
        _turns.Current.ShouldBe(_reply);
        _turns.IsStale(overlap).ShouldBeTrue();
        _turns.OutputResumed.IsCompleted.ShouldBeTrue();
    }

    [Fact]
    public void The_final_transcript_settles_an_overlap_the_partials_left_open()
    {
        var overlap = _policy.BeginOverlap();
        _policy.SpeechProgress(overlap, Long);
        _transcript.Publish(overlap, "stop", isFinal: true);
        _turns.Current.ShouldBe(overlap);
    }

    [Fact]
    public void A_hum_the_recogniser_spelled_as_one_word_does_not_interrupt()
    {
        // What PocketSphinx made of flite's "mm hmm", about a second of speech: one real word ("add").
        var overlap = _policy.BeginOverlap();
        _policy.SpeechProgress(overlap, TimeSpan.FromMilliseconds(1100));
        _transcript.Publish(overlap, "add an", isFinal: false);
        _transcript.Publish(overlap, "add an m", isFinal: false);
        _turns.Current.ShouldBe(_reply);
        _transcript.Publish(overlap, "add an m", isFinal: true);

        _turns.Current.ShouldBe(_reply);
        _turns.IsStale(overlap).ShouldBeTrue();
        _turns.OutputResumed.IsCompleted.ShouldBeTrue();
        _turns.TokenFor(_reply).IsCancellationRequested.ShouldBeFalse();
    }

    [Fact]
    public void A_short_lone_word_interrupts_once_its_final_is_in()
    {
        var overlap = _policy.BeginOverlap();
        _policy.SpeechProgress(overlap, TimeSpan.FromMilliseconds(450));
        _transcript.Publish(overlap, "stop", isFinal: false);
        _transcript.Publish(overlap, "stop it", isFinal: false);
        _turns.Current.ShouldBe(_reply, "one settled word: the final decides");
        _transcript.Publish(overlap, "stop", isFinal: true);

        _turns.Current.ShouldBe(overlap);
        _turns.TokenFor(_reply).IsCancellationRequested.ShouldBeTrue();
    }

    [Fact]
    public void With_the_lone_word_rule_off_one_settled_word_interrupts_on_a_partial()
    {
        using var policy = new InterruptionPolicy(new InterruptionOptions { MinInterruptionMs = 300, MinInterruptionWords = 1, LoneWordMaxMs = 0 }, _turns, _transcript, _time);
        _policy.Dispose();
        var overlap = policy.BeginOverlap();
        policy.SpeechProgress(overlap, TimeSpan.FromMilliseconds(1100));
        _transcript.Publish(overlap, "add an", isFinal: false);
        _transcript.Publish(overlap, "add an m", isFinal: false);
        _turns.Current.ShouldBe(overlap);
    }

    [Fact]
    public void Too_little_speech_does_not_interrupt_even_with_words()
    {
        var overlap = _policy.BeginOverlap();
        _policy.SpeechProgress(overlap, TimeSpan.FromMilliseconds(150));
        _transcript.Publish(overlap, "no", isFinal: true);
        _turns.Current.ShouldBe(_reply);
        _turns.OutputResumed.IsCompleted.ShouldBeTrue();
    }

    [Fact]
    public void With_nothing_decided_the_reply_resumes_after_the_timeout_and_words_may_still_interrupt_later()
    {
        var overlap = _policy.BeginOverlap();
        _policy.SpeechProgress(overlap, Long);
        _time.Advance(TimeSpan.FromMilliseconds(1400));
        _turns.OutputResumed.IsCompleted.ShouldBeFalse();
        _time.Advance(TimeSpan.FromMilliseconds(200));
        _turns.OutputResumed.IsCompleted.ShouldBeTrue();
        _turns.Current.ShouldBe(_reply);

        _transcript.Publish(overlap, "hold on a", isFinal: false);
        _transcript.Publish(overlap, "hold on a second", isFinal: false);
        _turns.Current.ShouldBe(_reply, "one settled real word (\"hold\"): the final decides");
        _transcript.Publish(overlap, "hold on a second please", isFinal: false);
        _turns.Current.ShouldBe(overlap);
        _turns.Control.TryRead(out var interrupt).ShouldBeTrue();
        interrupt.ShouldBe(new InterruptFrame(_reply));
    }

    [Fact]
    public void Words_still_being_spoken_hold_the_pause_past_the_timeout_and_the_end_of_speech_restarts_it()
    {
        var overlap = _policy.BeginOverlap();
        _policy.SpeechProgress(overlap, Long);
        _transcript.Publish(overlap, "could", isFinal: false);
        _time.Advance(TimeSpan.FromMilliseconds(1600));
        _turns.OutputResumed.IsCompleted.ShouldBeFalse("the user is still talking, with a word heard");

        _policy.SpeechEnded(overlap);
        _time.Advance(TimeSpan.FromMilliseconds(1400));
        _turns.OutputResumed.IsCompleted.ShouldBeFalse("the recogniser has the whole timeout after the speech");
        _time.Advance(TimeSpan.FromMilliseconds(200));
        _turns.OutputResumed.IsCompleted.ShouldBeTrue("no final came: the reply resumes");
        _turns.Current.ShouldBe(_reply);

        // The late final still decides: real words interrupt the resumed reply.
        _transcript.Publish(overlap, "could you stop", isFinal: true);
        _turns.Current.ShouldBe(overlap);
        _turns.Control.TryRead(out var interrupt).ShouldBeTrue();
        interrupt.ShouldBe(new InterruptFrame(_reply));
    }

    [Fact]
    public void A_late_final_that_is_only_a_backchannel_never_interrupts_the_resumed_reply()
    {
        var overlap = _policy.BeginOverlap();
        _policy.SpeechProgress(overlap, Long);
        _policy.SpeechEnded(overlap);
        _time.Advance(TimeSpan.FromMilliseconds(1600));
        _turns.OutputResumed.IsCompleted.ShouldBeTrue();

        _transcript.Publish(overlap, "the head", isFinal: true);
        _turns.Current.ShouldBe(_reply);
        _turns.IsStale(overlap).ShouldBeTrue();
        _turns.Control.TryRead(out _).ShouldBeFalse();
    }

    [Fact]
    public void Without_streaming_partials_speech_time_alone_interrupts()
    {
        using var turns = new TurnManager(CancellationToken.None, _time);
        var transcript = new UserTranscript(_time);
        using var policy = new InterruptionPolicy(new InterruptionOptions { MinInterruptionMs = 300, MinInterruptionWords = 1 }, turns, transcript, _time);
        var reply = turns.BeginTurn();
        turns.ReplyStarted(reply);
        var overlap = policy.BeginOverlap();
        policy.SpeechProgress(overlap, TimeSpan.FromMilliseconds(330)).ShouldBeTrue();
        turns.Current.ShouldBe(overlap);
    }

    [Fact]
    public void A_new_turn_supersedes_an_undecided_overlap()
    {
        var overlap = _policy.BeginOverlap();
        var next = _turns.BeginTurn();
        next.ShouldBeGreaterThan(overlap);
        _turns.IsStale(overlap).ShouldBeTrue();
        _turns.ConfirmOverlap(overlap).ShouldBeFalse();
    }

    [Fact]
    public void The_interrupt_is_queued_and_the_pause_ended_before_the_interrupted_turn_is_cancelled()
    {
        // Cancelling the turn runs other stages' callbacks and continuations inline. One that blocks (or throws) must not be
        // able to leave the reply paused with no interrupt: the listener would hear the agent stop and never get a clear.
        bool? resumedAtCancel = null;
        bool? interruptAtCancel = null;
        using var seen = _turns.TokenFor(_reply).Register(() =>
        {
            resumedAtCancel = _turns.OutputResumed.IsCompleted;
            interruptAtCancel = _turns.Control.TryPeek(out _);
        });
        var overlap = _policy.BeginOverlap();
        _policy.SpeechProgress(overlap, Long);
        _transcript.Publish(overlap, "what time is it", isFinal: true);

        _turns.Current.ShouldBe(overlap);
        resumedAtCancel.ShouldBe(true, "the pause ends before the old turn's cancellation runs");
        interruptAtCancel.ShouldBe(true, "the interrupt is queued before the old turn's cancellation runs");
    }

    [Fact]
    public void An_overlap_replaced_before_its_final_came_still_interrupts_with_its_words()
    {
        // "what time is it ... now": the user paused inside the interruption long enough for the VAD to end its speech, and
        // spoke on before the recogniser had delivered the first part's final (it is slow under load).
        var first = _policy.BeginOverlap();
        _policy.SpeechProgress(first, Long);
        _transcript.Publish(first, "what", isFinal: false);
        _policy.SpeechEnded(first);
        var second = _policy.BeginOverlap();
        _policy.SpeechProgress(second, TimeSpan.FromMilliseconds(150));
        _turns.OutputResumed.IsCompleted.ShouldBeFalse();

        _transcript.Publish(first, "what time is it", isFinal: true);

        _turns.Current.ShouldBe(second, "the speech that followed is the interruption's turn");
        _turns.Control.TryRead(out var interrupt).ShouldBeTrue();
        interrupt.ShouldBe(new InterruptFrame(_reply));
        _turns.OutputResumed.IsCompleted.ShouldBeTrue();
        _turns.IsSuperseded(first).ShouldBeTrue("its words go to the new turn's answer");
        _turns.IsWithheld(new TranscriptFrame(first, "what time is it", IsFinal: true)).ShouldBeFalse();

        // Nothing the timers of either overlap do later undoes that.
        _transcript.Publish(second, "now", isFinal: true);
        _time.Advance(TimeSpan.FromSeconds(5));
        _turns.Current.ShouldBe(second);
        _turns.Control.TryRead(out _).ShouldBeFalse();
    }

    [Fact]
    public void While_an_earlier_parts_words_wait_for_their_final_the_pause_holds_as_long_as_the_user_speaks()
    {
        // The recogniser is still finishing the first part, so the part being spoken now has no partials yet.
        var first = _policy.BeginOverlap();
        _policy.SpeechProgress(first, Long);
        _transcript.Publish(first, "what time", isFinal: false);
        _policy.SpeechEnded(first);
        var second = _policy.BeginOverlap();
        _policy.SpeechProgress(second, TimeSpan.FromMilliseconds(150));

        _time.Advance(TimeSpan.FromMilliseconds(1600));
        _turns.OutputResumed.IsCompleted.ShouldBeFalse("the user is still talking and the words so far are real");

        _transcript.Publish(first, "what time is it", isFinal: true);
        _turns.Current.ShouldBe(second);
        _turns.Control.TryRead(out var interrupt).ShouldBeTrue();
        interrupt.ShouldBe(new InterruptFrame(_reply));
    }

    [Fact]
    public void An_earlier_part_without_words_does_not_hold_the_pause_past_the_timeout()
    {
        var first = _policy.BeginOverlap();
        _policy.SpeechProgress(first, Long);
        _transcript.Publish(first, "mm", isFinal: false);
        _policy.SpeechEnded(first);
        _policy.BeginOverlap();

        _time.Advance(TimeSpan.FromMilliseconds(1600));
        _turns.OutputResumed.IsCompleted.ShouldBeTrue();
    }

    [Fact]
    public void An_overlap_replaced_before_its_final_came_is_dropped_when_that_final_holds_no_real_words()
    {
        var first = _policy.BeginOverlap();
        _policy.SpeechProgress(first, Long);
        _policy.SpeechEnded(first);
        var second = _policy.BeginOverlap();

        _transcript.Publish(first, "yeah", isFinal: true);

        _turns.Current.ShouldBe(_reply);
        _turns.Overlap.ShouldBe(second, "the newer overlap still waits for its own decision");
        _turns.OutputResumed.IsCompleted.ShouldBeFalse();
        _turns.IsSuperseded(first).ShouldBeFalse();
        _turns.IsStale(new TranscriptFrame(first, "yeah", IsFinal: true)).ShouldBeTrue("a backchannel's final never reaches the listener");

        _time.Advance(TimeSpan.FromMilliseconds(1600));
        _turns.OutputResumed.IsCompleted.ShouldBeTrue("the newer overlap's own timeout resumes the reply");
    }
}
