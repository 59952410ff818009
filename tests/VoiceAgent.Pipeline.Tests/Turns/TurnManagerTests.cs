using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Pipeline.Tests.Turns;

public class TurnManagerTests
{
    [Fact]
    public void A_new_turn_while_the_agent_replies_cancels_the_old_turn_and_queues_an_interrupt()
    {
        using var session = new CancellationTokenSource();
        using var turns = new TurnManager(session.Token);
        var first = turns.BeginTurn();
        var token = turns.TokenFor(first);
        turns.ReplyStarted(first);
        turns.AgentActive.ShouldBeTrue();

        var second = turns.BeginTurn();

        second.ShouldBe(first.Next());
        token.IsCancellationRequested.ShouldBeTrue();
        session.IsCancellationRequested.ShouldBeFalse();
        turns.IsStale(first).ShouldBeTrue();
        turns.TokenFor(first).IsCancellationRequested.ShouldBeTrue();
        turns.TokenFor(second).IsCancellationRequested.ShouldBeFalse();
        turns.Control.TryRead(out var f).ShouldBeTrue();
        f.ShouldBe(new InterruptFrame(first));
    }

    [Fact]
    public void A_new_turn_when_the_agent_is_idle_interrupts_nothing()
    {
        using var turns = new TurnManager(CancellationToken.None);
        var t = turns.BeginTurn();
        turns.ReplyStarted(t);
        turns.ReplyFinished(t);
        turns.BeginTurn();
        turns.Control.TryRead(out _).ShouldBeFalse();
    }

    [Fact]
    public void Audio_still_playing_at_the_listener_keeps_the_agent_active()
    {
        var time = new ManualTime();
        using var turns = new TurnManager(CancellationToken.None, time);
        var t = turns.BeginTurn();
        turns.ReplyStarted(t);
        turns.AudioSent(t, TimeSpan.FromSeconds(2));
        turns.ReplyFinished(t);
        turns.AgentActive.ShouldBeTrue();
        time.Advance(TimeSpan.FromMilliseconds(1900));
        turns.AgentActive.ShouldBeTrue();
        time.Advance(TimeSpan.FromMilliseconds(200));
        turns.AgentActive.ShouldBeFalse();
    }

    [Fact]
    public void Ending_the_session_cancels_the_turn()
    {
        using var session = new CancellationTokenSource();
        using var turns = new TurnManager(session.Token);
        var token = turns.TokenFor(turns.BeginTurn());
        session.Cancel();
        token.IsCancellationRequested.ShouldBeTrue();
    }

    [Fact]
    public void The_final_of_a_turn_superseded_before_it_came_still_reaches_the_listener_and_a_dropped_overlaps_never_does()
    {
        using var turns = new TurnManager(CancellationToken.None);
        var first = turns.BeginTurn();
        var second = turns.BeginTurn();

        turns.IsSuperseded(first).ShouldBeTrue();
        turns.IsStale(new TranscriptFrame(first, "what is twelve", IsFinal: true)).ShouldBeFalse();
        turns.IsWithheld(new TranscriptFrame(first, "what is twelve", IsFinal: true)).ShouldBeFalse();
        turns.IsWithheld(new TranscriptFrame(first, "what is", IsFinal: false)).ShouldBeTrue("only the one final: partials of an old turn are over");
        turns.IsWithheld(new ReplyTextFrame(first, "Twelve")).ShouldBeTrue();

        turns.ReplyStarted(second);
        var backchannel = turns.BeginOverlap();
        turns.DropOverlap(backchannel).ShouldBeTrue();
        turns.BeginTurn();
        turns.IsSuperseded(backchannel).ShouldBeFalse();
        turns.IsWithheld(new TranscriptFrame(backchannel, "uh huh", IsFinal: true)).ShouldBeTrue();
        turns.ConfirmOverlap(backchannel).ShouldBeFalse();
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
