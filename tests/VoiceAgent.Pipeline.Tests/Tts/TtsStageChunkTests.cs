using System.Buffers;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Tts;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Pipeline.Tests.Tts;

public class TtsStageChunkTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void Engine_audio_at_another_rate_is_resampled_chunk_after_chunk_without_allocating_once_warm()
    {
        // An engine speaking 22 050 Hz for a 16 kHz call: each of its chunks goes through ToOutput, with one resampler
        // per sentence and one buffer for the whole stage, so only the warm-up may allocate.
        var engine = AudioFormat.Pcm16Mono(22_050);
        var tone = Pcm16.ToBytes(Enumerable.Range(0, 22_050 * 4).Select(i => (short)(6_000 * Math.Sin(2 * Math.PI * 440 * i / 22_050.0))).ToArray());
        var chunks = new DataContent[tone.Length / 882];
        for (var i = 0; i < chunks.Length; i++)
        {
            chunks[i] = new DataContent(tone.AsMemory(i * 882, 882), engine.ToMediaType());
        }

        var output = AudioFormat.Pcm16Mono16k;
        var resamplers = new LinearResamplerFactory();
        var scratch = new ArrayBufferWriter<short>();
        IResampler? resampler = null;
        long produced = 0;
        for (var i = 0; i < 20; i++)
        {
            produced += TtsStage.ToOutput(chunks[i], output, resamplers, ref resampler, scratch).Length;
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 20; i < chunks.Length; i++)
        {
            produced += TtsStage.ToOutput(chunks[i], output, resamplers, ref resampler, scratch).Length;
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
        produced.ShouldBeInRange(16_000 * 4 * 2 - 64, 16_000 * 4 * 2 + 64);
        resampler!.Dispose();
    }

    [Theory]
    [InlineData(new[] { 1280, 1280, 640 })] // the engine's chunks are the stage's: every chunk a slice, none copied
    [InlineData(new[] { 1000, 3000, 10, 2562 })] // chunks that straddle the engine's buffers
    [InlineData(new[] { 2 })]
    public async Task Audio_already_in_the_output_format_goes_out_in_whole_chunks_holding_exactly_the_engines_bytes(int[] engineChunks)
    {
        var pcm = new byte[engineChunks.Sum()];
        new Random(7).NextBytes(pcm);
        var turns = new TurnManager(CancellationToken.None);
        var turn = turns.BeginTurn();
        var options = new TtsStageOptions();
        var stage = new TtsStage(new ChunkedSpeech(pcm, engineChunks), turns, new TurnTimeline(), options, new LinearResamplerFactory());
        var input = Channel.CreateUnbounded<Frame>();
        var output = Channel.CreateUnbounded<Frame>();
        input.Writer.TryWrite(new SentenceFrame(turn, "Hello there.", "Hello there."));
        input.Writer.TryComplete();

        await stage.RunAsync(input.Reader, output.Writer, CancellationToken.None).WaitAsync(Timeout);

        var chunks = new List<byte[]>();
        await foreach (var frame in output.Reader.ReadAllAsync().WithCancellation(CancellationToken.None))
        {
            if (frame is AgentAudioFrame audio)
            {
                chunks.Add(audio.Audio.Data.ToArray());
            }
        }

        var chunkBytes = options.OutputFormat.BytesFor(options.ChunkMs);
        chunks.SkipLast(1).ShouldAllBe(c => c.Length == chunkBytes);
        chunks[^1].Length.ShouldBeInRange(1, chunkBytes);
        chunks.SelectMany(c => c).ToArray().ShouldBe(pcm);
    }

    /// <summary>A TTS that streams the given PCM (16 kHz mono) in chunks of the given sizes.</summary>
    private sealed class ChunkedSpeech(byte[] pcm, int[] chunks) : ITextToSpeechClient
    {
        public Task<TextToSpeechResponse> GetAudioAsync(string text, TextToSpeechOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public async IAsyncEnumerable<TextToSpeechResponseUpdate> GetStreamingAudioAsync(
            string text, TextToSpeechOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            var offset = 0;
            foreach (var size in chunks)
            {
                yield return new TextToSpeechResponseUpdate([new DataContent(pcm.AsMemory(offset, size), AudioFormat.Pcm16Mono16k.ToMediaType())]);
                offset += size;
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
