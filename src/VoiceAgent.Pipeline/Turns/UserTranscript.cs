namespace VoiceAgent.Pipeline.Turns;

/// <summary>
/// The latest words the recogniser heard in one call, shared by its stages: the ASR stage publishes, the VAD stage's
/// turn detector and the interruption policy read. Partials travel downstream as frames too, but the VAD stage sits
/// upstream of the recogniser, so it needs this side door to hear them.
/// </summary>
/// <param name="time">The clock of the snapshots' timestamps.</param>
/// <param name="partialsPublished">False when the call's recogniser publishes no partials (a batch engine): only finals will come.</param>
public sealed class UserTranscript(TimeProvider? time = null, bool partialsPublished = true)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private TranscriptSnapshot? _latest;
    private volatile bool _partialsSeen;

    /// <summary>Raised on the recogniser's thread for every partial and final, before its frame goes downstream.</summary>
    public event Action<TranscriptSnapshot>? Published;

    /// <summary>The most recent partial or final of any turn; null before the first.</summary>
    public TranscriptSnapshot? Latest => Volatile.Read(ref _latest);

    /// <summary>Whether this call's recogniser publishes partials at all (<see cref="Asr.SpeechToTextPartials"/>).</summary>
    public bool PartialsPublished => partialsPublished;

    /// <summary>True once this call's recogniser has produced a partial: it streams, so words can be counted while the user speaks.</summary>
    public bool PartialsSeen => _partialsSeen;

    /// <summary>The latest text of <paramref name="turn"/>, or null when the recogniser has said nothing of it yet.</summary>
    public TranscriptSnapshot? For(TurnId turn) => Latest is { } s && s.Turn == turn ? s : null;

    public void Publish(TurnId turn, string text, bool isFinal)
    {
        var snapshot = new TranscriptSnapshot(turn, text, isFinal, _time.GetTimestamp());
        Volatile.Write(ref _latest, snapshot);
        if (!isFinal)
        {
            _partialsSeen = true;
        }

        Published?.Invoke(snapshot);
    }
}
