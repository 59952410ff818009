using System.Runtime.InteropServices;
using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Tts;
using VoiceAgent.Providers.Embedded.Espeak;

namespace VoiceAgent.Providers.Tests.Embedded.Espeak;

/// <summary>Helpers for eSpeak tests: a client with the linear resampler, audio extraction and loudness.</summary>
internal static class EspeakTestAudio
{
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>A client on the default worker pool (one process per core), or in-process with <paramref name="workers"/> 0.</summary>
    public static EspeakTextToSpeechClient CreateClient(int outputRate = 16_000, IResamplerFactory? resamplers = null, int? workers = null) =>
        new(new EspeakOptions { OutputSampleRate = outputRate, Workers = workers }, resamplers ?? new LinearResamplerFactory());

    public static short[] Samples(TextToSpeechResponse response) => Samples(response.Contents);

    public static short[] Samples(IEnumerable<AIContent> contents) =>
        [.. contents.OfType<DataContent>().SelectMany(d => MemoryMarshal.Cast<byte, short>(d.Data.Span).ToArray())];

    public static List<WordTimingContent> Words(TextToSpeechResponse response) => [.. response.Contents.OfType<WordTimingContent>()];

    public static double Rms(ReadOnlySpan<short> samples) => Pcm16.Rms(samples);

    public static int SampleAt(TimeSpan time, int rate) => (int)(time.Ticks * rate / TimeSpan.TicksPerSecond);
}
