using System.Buffers;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Providers.Embedded.Espeak;

/// <summary>Gathers one synthesis on the service's side: resamples audio as it arrives and keeps the word events.</summary>
internal sealed class EspeakSynthesisCollector(IResampler resampler)
{
    private readonly ArrayBufferWriter<short> _output = new();
    private readonly List<EspeakWordEvent> _words = [];

    public void AddWord(EspeakWordEvent word) => _words.Add(word);

    public void AddAudio(ReadOnlySpan<short> samples) => resampler.Process(samples, _output);

    /// <summary>Flushes the resampler's tail and returns everything gathered.</summary>
    public EspeakRawSynthesis Finish()
    {
        resampler.Flush(_output);
        return new EspeakRawSynthesis(_output.WrittenSpan.ToArray(), _words);
    }
}
