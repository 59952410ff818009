using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Providers.Embedded.Espeak;

/// <summary>Runs eSpeak syntheses for a client: in this process under the one lock, or on a pool of worker processes.</summary>
internal interface IEspeakSynthesizer : IDisposable
{
    /// <summary>Speaks <paramref name="speech"/>, feeding eSpeak's audio through <paramref name="resampler"/> as it arrives.</summary>
    /// <exception cref="IOException">A worker process died or hung; the next request gets a fresh one.</exception>
    Task<EspeakRawSynthesis> SynthesizeAsync(EspeakSpeech speech, IResampler resampler, CancellationToken cancellationToken);
}
