using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Providers.Embedded.Espeak;

/// <summary>Synthesises in this process, one sentence at a time for the whole process (eSpeak NG keeps its state in C globals).</summary>
internal sealed class EspeakInProcessSynthesizer(EspeakEngine engine, EngineQueueMetrics? queue) : IEspeakSynthesizer
{
    public async Task<EspeakRawSynthesis> SynthesizeAsync(EspeakSpeech speech, IResampler resampler, CancellationToken cancellationToken)
    {
        var collector = new EspeakSynthesisCollector(resampler);
        await engine.SpeakAsync(speech, new CollectingSink(collector, cancellationToken), queue, cancellationToken).ConfigureAwait(false);
        return collector.Finish();
    }

    /// <summary>Nothing to release: the engine belongs to the process.</summary>
    public void Dispose()
    {
    }

    private sealed class CollectingSink(EspeakSynthesisCollector collector, CancellationToken cancellationToken) : EspeakSink(cancellationToken)
    {
        protected override void OnWord(EspeakWordEvent word) => collector.AddWord(word);

        protected override void OnAudio(ReadOnlySpan<short> samples) => collector.AddAudio(samples);
    }
}
