using VoiceAgent.Pipeline.Vad;

namespace VoiceAgent.Pipeline.Turns.Detection;

/// <summary>
/// The built-in detector: listens to the words. A partial that leaves the sentence open ("for", "and", "um", "my number
/// is", digits being read out) waits <c>MaxEndSilenceMs</c>; a request or statement of details ("I would like…") waits
/// halfway between <c>EndSilenceMs</c> and <c>MaxEndSilenceMs</c>; a complete question or command waits
/// <c>MinEndSilenceMs</c>; anything else, or no fresh partial, waits <c>UncertainEndSilenceMs</c>. With a recogniser that
/// publishes no partials at all (<see cref="UserTranscript.PartialsPublished"/>) there are no words to listen to until the
/// turn has ended, so every pause waits <c>EndSilenceMs</c>, as the <c>Fixed</c> detector does.
/// </summary>
/// <remarks>
/// A partial only speaks for the audio the recogniser had decoded when it was published. One published more than
/// <c>PartialMaxLagMs</c> before the user's last speech frame misses the last words, so it changes nothing: the user
/// may have said "and" after "what time is it" (a stale "complete"), or "something interesting" after "tell me some"
/// (a stale "open"). A recogniser that falls behind (an overloaded machine) therefore degrades to
/// <c>UncertainEndSilenceMs</c>: not knowing the words must not cut a thinking pause, and the answer waits for the
/// lagging recogniser's final anyway.
/// The answer is asked again on every silent frame, so the partial that arrives during the pause takes over.
/// </remarks>
public sealed class TranscriptTurnDetector(VadEndpointerOptions options, UserTranscript transcript, TimeProvider time) : ITurnDetector
{
    public const string Name = "Transcript";

    private readonly TimeSpan _min = TimeSpan.FromMilliseconds(options.MinEndSilenceMs);
    private readonly TimeSpan _end = TimeSpan.FromMilliseconds(options.EndSilenceMs);
    private readonly TimeSpan _uncertain = TimeSpan.FromMilliseconds(Math.Clamp(options.UncertainEndSilenceMs, options.EndSilenceMs, options.MaxEndSilenceMs));
    private readonly TimeSpan _max = TimeSpan.FromMilliseconds(options.MaxEndSilenceMs);
    private readonly TimeSpan _request = TimeSpan.FromMilliseconds((options.EndSilenceMs + options.MaxEndSilenceMs) / 2);
    private readonly TimeSpan _maxLag = TimeSpan.FromMilliseconds(options.PartialMaxLagMs);
    private TurnId _turn = TurnId.None;
    private long _lastSpeechAt;

    // The last partial classified: partials come a few times a second, frames every 10–30 ms.
    private TranscriptSnapshot? _classified;
    private UtteranceEnding _ending;

    public void TurnStarted(TurnId turn)
    {
        _turn = turn;
        _lastSpeechAt = time.GetTimestamp();
        _classified = null;
    }

    public void Observe(ReadOnlySpan<short> frame, bool isSpeech)
    {
        if (isSpeech)
        {
            _lastSpeechAt = time.GetTimestamp();
        }
    }

    public TimeSpan EndSilence(TimeSpan silence)
    {
        if (!transcript.PartialsPublished)
        {
            return _end;
        }

        if (transcript.For(_turn) is not { } latest)
        {
            return _uncertain;
        }

        if (!ReferenceEquals(latest, _classified))
        {
            _classified = latest;
            _ending = UtteranceText.Classify(latest.Text);
        }

        if (latest.Timestamp < _lastSpeechAt - (long)(_maxLag.TotalSeconds * time.TimestampFrequency))
        {
            return _uncertain;
        }

        return _ending switch
        {
            UtteranceEnding.Open => _max,
            UtteranceEnding.Request => _request,
            UtteranceEnding.Complete => _min,
            _ => _uncertain,
        };
    }

    public void Dispose()
    {
    }
}
