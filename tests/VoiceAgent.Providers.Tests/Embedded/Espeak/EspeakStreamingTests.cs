using System.Buffers;
using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Tts;
using static VoiceAgent.Providers.Tests.Embedded.Espeak.EspeakTestAudio;

namespace VoiceAgent.Providers.Tests.Embedded.Espeak;

public sealed class EspeakStreamingTests
{
    private const string English = "The quick brown fox jumps over the lazy dog.";

    [Fact]
    public async Task All_word_timings_come_before_the_first_audio_then_chunks_of_ChunkMs()
    {
        using var client = CreateClient();

        var updates = await client.GetStreamingAudioAsync(English).ToListAsync().AsTask().WaitAsync(TestTimeout);

        updates[0].Contents.ShouldAllBe(c => c is WordTimingContent);
        updates[0].Contents.Count.ShouldBe(9);
        var audio = updates.Skip(1).ToList();
        audio.ShouldAllBe(u => u.Contents.Count == 1 && u.Contents[0] is DataContent);
        audio.SkipLast(1).ShouldAllBe(u => ((DataContent)u.Contents[0]).Data.Length == 640 * 2); // 40 ms at 16 kHz
        audio.SkipLast(1).ShouldAllBe(u => u.Kind == TextToSpeechResponseUpdateKind.AudioUpdating);
        audio[^1].Kind.ShouldBe(TextToSpeechResponseUpdateKind.AudioUpdated);
        ((DataContent)audio[^1].Contents[0]).Data.Length.ShouldBeInRange(2, 640 * 2);
    }

    [Fact]
    public async Task Streamed_audio_matches_the_whole_response()
    {
        using var client = CreateClient();
        await client.GetAudioAsync(English).WaitAsync(TestTimeout); // eSpeak's first call after another text can differ by a few ms

        var whole = await client.GetAudioAsync(English).WaitAsync(TestTimeout);
        var updates = await client.GetStreamingAudioAsync(English).ToListAsync().AsTask().WaitAsync(TestTimeout);

        var streamed = Samples(updates.SelectMany(u => u.Contents));
        streamed.Length.ShouldBeInRange(Samples(whole).Length - 1600, Samples(whole).Length + 1600);
    }

    [Fact]
    public async Task The_resampler_is_fed_as_eSpeak_produces_audio_and_flushed_once()
    {
        var factory = new RecordingResamplerFactory();
        using var client = CreateClient(resamplers: factory);

        await client.GetAudioAsync(English).WaitAsync(TestTimeout);

        var resampler = factory.Created.ShouldHaveSingleItem();
        (resampler.InputRate, resampler.OutputRate).ShouldBe((22_050, 16_000));
        resampler.ProcessCalls.ShouldBeGreaterThan(1);
        resampler.FlushCalls.ShouldBe(1);
        resampler.Disposed.ShouldBeTrue();
    }

    /// <summary>Wraps <see cref="LinearResampler"/> and records how it is used; can run a callback on each block.</summary>
    internal sealed class RecordingResamplerFactory : IResamplerFactory
    {
        public List<RecordingResampler> Created { get; } = [];

        public Action? OnProcess { get; set; }

        public IResampler Create(int inputRate, int outputRate)
        {
            var r = new RecordingResampler(new LinearResampler(inputRate, outputRate), OnProcess);
            Created.Add(r);
            return r;
        }
    }

    internal sealed class RecordingResampler(LinearResampler inner, Action? onProcess) : IResampler
    {
        public int InputRate => inner.InputRate;

        public int OutputRate => inner.OutputRate;

        public int ProcessCalls { get; private set; }

        public int FlushCalls { get; private set; }

        public bool Disposed { get; private set; }

        public void Process(ReadOnlySpan<short> input, IBufferWriter<short> output)
        {
            ProcessCalls++;
            inner.Process(input, output);
            onProcess?.Invoke();
        }

        public void Flush(IBufferWriter<short> output)
        {
            FlushCalls++;
            inner.Flush(output);
        }

        public void Dispose() => Disposed = true;
    }
}
