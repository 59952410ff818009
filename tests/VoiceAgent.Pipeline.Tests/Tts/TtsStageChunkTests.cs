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
