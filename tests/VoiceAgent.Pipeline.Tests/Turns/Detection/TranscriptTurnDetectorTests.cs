using Microsoft.Extensions.Time.Testing;
using VoiceAgent.Pipeline.Turns;
using VoiceAgent.Pipeline.Turns.Detection;
using VoiceAgent.Pipeline.Vad;

namespace VoiceAgent.Pipeline.Tests.Turns.Detection;

public sealed class TranscriptTurnDetectorTests : IDisposable
{
    private static readonly VadEndpointerOptions Options = new() { EndSilenceMs = 500, MinEndSilenceMs = 250, MaxEndSilenceMs = 2000, UncertainEndSilenceMs = 1000, PartialMaxLagMs = 300 };
    private static readonly TimeSpan Silence = TimeSpan.FromMilliseconds(30);
    private readonly FakeTimeProvider _time = new();
    private readonly UserTranscript _transcript;
    private readonly TranscriptTurnDetector _detector;
    private readonly TurnId _turn = new(3);

    public TranscriptTurnDetectorTests()
    {
        _transcript = new UserTranscript(_time);
        _detector = new TranscriptTurnDetector(Options, _transcript, _time);
        _detector.TurnStarted(_turn);
    }

    public void Dispose() => _detector.Dispose();

    [Fact]
    public void With_no_partial_the_wait_is_the_uncertain_silence() =>
        _detector.EndSilence(Silence).ShouldBe(TimeSpan.FromMilliseconds(1000));

    [Fact]
    public void With_a_recogniser_that_publishes_no_partials_every_pause_waits_the_configured_silence()
    {
        var batch = new UserTranscript(_time, partialsPublished: false);
        using var detector = new TranscriptTurnDetector(Options, batch, _time);
        detector.TurnStarted(_turn);
        detector.EndSilence(Silence).ShouldBe(TimeSpan.FromMilliseconds(500), "no words will come before the turn ends, so there is nothing to be uncertain about");
    }

    [Fact]
    public void A_question_ending_in_a_lone_number_is_answered_quickly_and_a_phone_number_being_read_out_is_not()
    {
        Speak();
        _transcript.Publish(_turn, "can i have a table for four", isFinal: false);
        _detector.EndSilence(Silence).ShouldBe(TimeSpan.FromMilliseconds(250));

        Speak();
        _transcript.Publish(_turn, "my phone number is oh seven seven", isFinal: false);
        _detector.EndSilence(Silence).ShouldBe(TimeSpan.FromMilliseconds(2000));
    }

    [Fact]
    public void A_garbled_partial_waits_longer_than_a_thinking_pause_and_a_short_answer_does_not()
    {
        // What PocketSphinx made of flite kal's "the order number is": neither open nor complete, so the words say nothing.
        Speak();
        _transcript.Publish(_turn, "preordered on bread", isFinal: false);
        _detector.EndSilence(Silence).ShouldBeGreaterThan(TimeSpan.FromMilliseconds(800), "a 0.8 s thinking pause must not end it");

        Speak();
        _transcript.Publish(_turn, "yes", isFinal: false);
        _detector.EndSilence(Silence).ShouldBe(TimeSpan.FromMilliseconds(250));
    }

    [Fact]
    public void The_uncertain_wait_stays_between_the_configured_silence_and_the_longest_wait()
    {
        var options = new VadEndpointerOptions { EndSilenceMs = 700, MinEndSilenceMs = 250, MaxEndSilenceMs = 900, UncertainEndSilenceMs = 5000 };
        using var detector = new TranscriptTurnDetector(options, _transcript, _time);
        detector.TurnStarted(_turn);
        detector.EndSilence(Silence).ShouldBe(TimeSpan.FromMilliseconds(900));
        options.UncertainEndSilenceMs = 0;
        using var shorter = new TranscriptTurnDetector(options, _transcript, _time);
        shorter.TurnStarted(_turn);
        shorter.EndSilence(Silence).ShouldBe(TimeSpan.FromMilliseconds(700));
    }

    [Fact]
    public void An_open_sentence_waits_the_longest_and_a_complete_question_the_shortest()
    {
        Speak();
        _transcript.Publish(_turn, "i would like to book a table for", isFinal: false);
        _detector.EndSilence(Silence).ShouldBe(TimeSpan.FromMilliseconds(2000));

        Speak();
        _transcript.Publish(_turn, "what time do you open", isFinal: false);
        _detector.EndSilence(Silence).ShouldBe(TimeSpan.FromMilliseconds(250));

        Speak();
        _transcript.Publish(_turn, "i would like to book a table far", isFinal: false);
        _detector.EndSilence(Silence).ShouldBe(TimeSpan.FromMilliseconds(1250), "a request: halfway between EndSilenceMs and MaxEndSilenceMs");

        Speak();
        _transcript.Publish(_turn, "我的电话号码是", isFinal: false);
        _detector.EndSilence(Silence).ShouldBe(TimeSpan.FromMilliseconds(2000));
    }

    [Fact]
    public void A_partial_that_arrives_during_the_pause_changes_the_wait()
    {
        Speak();
        _transcript.Publish(_turn, "what is twelve times", isFinal: false);
        _detector.EndSilence(Silence).ShouldBe(TimeSpan.FromMilliseconds(2000));
        _time.Advance(TimeSpan.FromMilliseconds(150));
        _transcript.Publish(_turn, "what is twelve times seven", isFinal: false);
        _detector.EndSilence(Silence * 5).ShouldBe(TimeSpan.FromMilliseconds(250));
    }

    [Fact]
    public void A_stale_partial_changes_nothing()
    {
        _transcript.Publish(_turn, "what time is it", isFinal: false);

        // The user went on speaking for a second after that partial, and the recogniser has not caught up.
        _time.Advance(TimeSpan.FromSeconds(1));
        Speak();
        _detector.EndSilence(Silence).ShouldBe(TimeSpan.FromMilliseconds(1000));

        _transcript.Publish(_turn, "tell me some", isFinal: false);
        _time.Advance(TimeSpan.FromSeconds(1));
        Speak();
        _detector.EndSilence(Silence).ShouldBe(TimeSpan.FromMilliseconds(1000), "\"some\" was followed by more speech");

        _time.Advance(TimeSpan.FromMilliseconds(100));
        _transcript.Publish(_turn, "tell me something interesting", isFinal: false);
        _detector.EndSilence(Silence * 4).ShouldBe(TimeSpan.FromMilliseconds(250), "a fresh partial takes over");
    }

    [Fact]
    public void Another_turns_partial_is_ignored()
    {
        Speak();
        _transcript.Publish(_turn.Next(), "what time is it", isFinal: false);
        _detector.EndSilence(Silence).ShouldBe(TimeSpan.FromMilliseconds(1000));
    }

    [Fact]
    public void The_fixed_detector_always_waits_the_configured_silence()
    {
        using var fixedDetector = new FixedTurnDetector(TimeSpan.FromMilliseconds(500));
        fixedDetector.TurnStarted(_turn);
        _transcript.Publish(_turn, "what time is it", isFinal: false);
        fixedDetector.EndSilence(Silence).ShouldBe(TimeSpan.FromMilliseconds(500));
    }

    private void Speak() => _detector.Observe(new short[480], isSpeech: true);
}
