namespace VoiceAgent.Providers.Embedded.Espeak;

/// <summary>Receives one synthesis from eSpeak's callback: word events and audio at eSpeak's own rate, as they are produced.</summary>
/// <remarks>Runs on the synthesising thread inside the native callback; an exception is kept and rethrown after espeak_Synth returns.</remarks>
internal abstract class EspeakSink(CancellationToken cancellationToken)
{
    public System.Runtime.ExceptionServices.ExceptionDispatchInfo? Error { get; set; }

    public bool Aborted { get; private set; }

    /// <summary>False tells eSpeak to stop: the synthesis was cancelled.</summary>
    public unsafe bool Accept(short* wav, int samples, EspeakEvent* events)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            Aborted = true;
            return false;
        }

        for (var e = events; e->Type != NativeMethods.EventListTerminated; e++)
        {
            if (e->Type == NativeMethods.EventWord)
            {
                OnWord(new EspeakWordEvent(e->TextPosition, e->Length, e->Sample));
            }
        }

        // wav is NULL on the final call that only reports the end of the synthesis.
        if (wav != null && samples > 0)
        {
            OnAudio(new ReadOnlySpan<short>(wav, samples));
        }

        return true;
    }

    protected abstract void OnWord(EspeakWordEvent word);

    protected abstract void OnAudio(ReadOnlySpan<short> samples);
}
