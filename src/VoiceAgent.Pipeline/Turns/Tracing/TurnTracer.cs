using System.Diagnostics;

namespace VoiceAgent.Pipeline.Turns.Tracing;

/// <summary>
/// One session's turn traces: a root <see cref="Activity"/> per turn (from the end of the user's speech, or the request,
/// to the turn's end) with a span per stage: the end-of-turn wait, the final transcript, the LLM (the chat client's own
/// spans and each tool call nest under it) and the TTS's first audio. Each turn is a trace of its own, so one slow turn of
/// a long call can be found and read alone; the session id is on every root.
/// </summary>
/// <remarks>
/// Stages run on their own tasks, so the spans are held here by turn rather than carried in <see cref="Activity.Current"/>;
/// only a scoped span (<see cref="StartSpan"/>) becomes current, for the code it wraps. Times come from the injected clock.
/// </remarks>
public sealed class TurnTracer
{
    private readonly Lock _gate = new();
    private readonly ActivitySource _source;
    private readonly TimeProvider _time;
    private readonly string? _sessionId;
    private readonly Dictionary<long, TurnSpans> _open = [];
    private Func<TurnId, bool>? _isStale;

    public TurnTracer(ActivitySource source, TimeProvider time, string? sessionId = null)
    {
        _source = source;
        _time = time;
        _sessionId = sessionId;
    }

    /// <summary>Tells a superseded turn (whose end will never come) from a live one, so its trace is ended when the next one starts.</summary>
    public void EndStaleTurns(Func<TurnId, bool> isStale) => _isStale = isStale;

    /// <summary>The user's turn ended after <paramref name="waited"/> of silence (zero for a request): the trace starts at the end of speech.</summary>
    public void Begin(TurnId turn, TimeSpan waited)
    {
        if (!_source.HasListeners())
        {
            return;
        }

        var now = _time.GetUtcNow();
        var speechEnd = now - waited;
        lock (_gate)
        {
            EndStale(turn);
            if (_open.ContainsKey(turn.Value))
            {
                return;
            }

            var root = StartDetached("turn", default, speechEnd, ActivityKind.Server);
            if (root is null)
            {
                return;
            }

            root.SetTag("voiceagent.turn.id", turn.Value);
            if (_sessionId is not null)
            {
                root.SetTag("voiceagent.session.id", _sessionId);
            }

            var spans = new TurnSpans(root);
            if (waited > TimeSpan.Zero)
            {
                // The end-of-turn decision: the silence the VAD and turn detector waited before answering.
                var vad = StartDetached("vad.end_of_turn", root.Context, speechEnd);
                vad?.SetTag("voiceagent.vad.wait_ms", (long)waited.TotalMilliseconds);
                Stop(vad, now);
                spans.Asr = StartDetached("asr.final", root.Context, now);
            }

            _open[turn.Value] = spans;
        }
    }

    /// <summary>A milestone of the turn: the final transcript ends the ASR span, the first audio the TTS span.</summary>
    public void Reached(TurnId turn, TurnMilestone milestone)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (!_open.TryGetValue(turn.Value, out var spans))
            {
                return;
            }

            if (milestone == TurnMilestone.AsrFinal)
            {
                Stop(spans.Asr, now);
                spans.Asr = null;
            }
            else if (milestone == TurnMilestone.FirstAudio)
            {
                Stop(spans.Tts, now);
                spans.Tts = null;
                spans.FirstAudio = true;
            }
        }
    }

    /// <summary>The TTS engine was asked for a sentence: until the turn's first audio, that wait is the TTS span.</summary>
    public void SynthesisStarted(TurnId turn)
    {
        lock (_gate)
        {
            if (_open.TryGetValue(turn.Value, out var spans) && spans.Tts is null && !spans.FirstAudio)
            {
                spans.Tts = StartDetached("tts.first_audio", spans.Root.Context, _time.GetUtcNow());
            }
        }
    }

    /// <summary>
    /// A span of the turn around work the caller awaits, made <see cref="Activity.Current"/> so that spans started inside
    /// (the chat client's, each tool call's) nest under it; the caller disposes it. Empty when the turn is not traced.
    /// </summary>
    public TurnSpan StartSpan(TurnId turn, string name)
    {
        ActivityContext parent;
        lock (_gate)
        {
            if (!_open.TryGetValue(turn.Value, out var spans))
            {
                return default;
            }

            parent = spans.Root.Context;
        }

        return new TurnSpan(_source.StartActivity(name, ActivityKind.Internal, parent, startTime: _time.GetUtcNow()), _time);
    }

    /// <summary>The turn is over (its reply ended, or it never became one): its trace ends.</summary>
    public void End(TurnId turn)
    {
        lock (_gate)
        {
            if (_open.Remove(turn.Value, out var spans))
            {
                spans.Stop(_time.GetUtcNow());
            }
        }
    }

    /// <summary>Ends every open turn's trace (the session is over).</summary>
    public void EndAll()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            foreach (var spans in _open.Values)
            {
                spans.Stop(now);
            }

            _open.Clear();
        }
    }

    // Called under the lock: a turn superseded by a barge-in gets no end of its own.
    private void EndStale(TurnId current)
    {
        if (_isStale is not { } isStale || _open.Count == 0)
        {
            return;
        }

        var now = _time.GetUtcNow();
        foreach (var id in _open.Keys.Where(id => id < current.Value && isStale(new TurnId(id))).ToList())
        {
            _open.Remove(id, out var spans);
            spans!.Root.SetTag("voiceagent.turn.superseded", true);
            spans.Stop(now);
        }
    }

    // A span that is not made current: the stage that starts it moves on to other frames (and other turns).
    private Activity? StartDetached(string name, ActivityContext parent, DateTimeOffset start, ActivityKind kind = ActivityKind.Internal)
    {
        var previous = Activity.Current;
        // A root must not inherit whatever request happened to be current (the WebSocket's upgrade, minutes ago).
        Activity.Current = null;
        var activity = _source.StartActivity(name, kind, parent, startTime: start);
        Activity.Current = previous;
        return activity;
    }

    private static void Stop(Activity? activity, DateTimeOffset end)
    {
        if (activity is null)
        {
            return;
        }

        // Stopping restores the activity that was current when it started: not what the calling stage has current now.
        var current = Activity.Current;
        activity.SetEndTime(end.UtcDateTime);
        activity.Stop();
        Activity.Current = current;
    }

    /// <summary>The open spans of one turn.</summary>
    private sealed class TurnSpans(Activity root)
    {
        public Activity Root { get; } = root;

        public Activity? Asr { get; set; }

        public Activity? Tts { get; set; }

        public bool FirstAudio { get; set; }

        public void Stop(DateTimeOffset end)
        {
            TurnTracer.Stop(Asr, end);
            TurnTracer.Stop(Tts, end);
            TurnTracer.Stop(Root, end);
        }
    }
}
