using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using VoiceAgent.Pipeline.Turns;
using VoiceAgent.Pipeline.Turns.Tracing;

namespace VoiceAgent.Pipeline.Tests.Turns.Tracing;

/// <summary>A turn's spans from the timeline's milestones, timed by the injected clock; a superseded turn's trace ends.</summary>
public sealed class TurnTracerTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero));
    private readonly TurnTracing _tracing = new();
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly string _session = "trace-" + Guid.NewGuid().ToString("N")[..8];

    public TurnTracerTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => ReferenceEquals(s, _tracing.Source),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _tracing.Dispose();
    }

    [Fact]
    public void A_turn_is_a_root_span_from_the_end_of_speech_with_a_span_per_stage()
    {
        var timeline = new TurnTimeline(_time, _tracing.ForSession(_time, _session));
        var turn = new TurnId(1);

        timeline.EndOfTurn(turn, TimeSpan.FromMilliseconds(600));
        _time.Advance(TimeSpan.FromMilliseconds(200));
        timeline.Mark(turn, TurnMilestone.AsrFinal);
        using (timeline.StartSpan(turn, "llm"))
        {
            _time.Advance(TimeSpan.FromMilliseconds(300));
            timeline.Mark(turn, TurnMilestone.LlmFirstToken);
        }

        timeline.SynthesisStarted(turn);
        _time.Advance(TimeSpan.FromMilliseconds(50));
        timeline.Mark(turn, TurnMilestone.FirstAudio);
        _time.Advance(TimeSpan.FromMilliseconds(1000));
        timeline.Forget(turn);

        var spans = _stopped.ToDictionary(a => a.DisplayName);
        var root = spans["turn"];
        root.ParentSpanId.ShouldBe(default);
        root.GetTagItem("voiceagent.session.id").ShouldBe(_session);
        root.Duration.ShouldBe(TimeSpan.FromMilliseconds(600 + 200 + 300 + 50 + 1000));
        spans["vad.end_of_turn"].Duration.ShouldBe(TimeSpan.FromMilliseconds(600));
        spans["asr.final"].Duration.ShouldBe(TimeSpan.FromMilliseconds(200));
        spans["llm"].Duration.ShouldBe(TimeSpan.FromMilliseconds(300));
        spans["tts.first_audio"].Duration.ShouldBe(TimeSpan.FromMilliseconds(50));
        spans.Values.Where(s => s != root).ShouldAllBe(s => s.ParentSpanId == root.SpanId && s.TraceId == root.TraceId);
    }

    [Fact]
    public void A_turn_superseded_by_a_barge_in_ends_when_the_next_turn_starts_and_each_turn_is_its_own_trace()
    {
        var current = new TurnId(1);
        var tracer = _tracing.ForSession(_time, _session);
        tracer.EndStaleTurns(t => t < current);
        var timeline = new TurnTimeline(_time, tracer);

        timeline.EndOfTurn(new TurnId(1), TimeSpan.FromMilliseconds(500));
        _stopped.Where(a => a.DisplayName == "turn").ShouldBeEmpty();

        // The user barges in: turn 1 never gets its reply's end.
        current = new TurnId(2);
        _time.Advance(TimeSpan.FromSeconds(2));
        timeline.EndOfTurn(new TurnId(2), TimeSpan.FromMilliseconds(500));

        var first = _stopped.Single(a => a.DisplayName == "turn");
        first.GetTagItem("voiceagent.turn.id").ShouldBe(1L);
        first.GetTagItem("voiceagent.turn.superseded").ShouldBe(true);

        timeline.EndOpenTraces();
        var roots = _stopped.Where(a => a.DisplayName == "turn").ToList();
        roots.Count.ShouldBe(2);
        roots[0].TraceId.ShouldNotBe(roots[1].TraceId);
    }
}
