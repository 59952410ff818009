using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Providers.Embedded.PocketSphinx;
using VoiceAgent.Providers.OpenAI;
using VoiceAgent.Providers.Tests.Embedded.PocketSphinx;

namespace VoiceAgent.Providers.Tests.OpenAI;

public sealed class FallbackStreamingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_streaming_recogniser_behind_a_fallback_gives_partials_while_the_audio_still_arrives()
    {
        using var client = new FallbackSpeechToTextClient([NewPocketSphinx(), NewPocketSphinx()]);
        var samples = TestSpeech.Flite("turn on the kitchen lights", "slt");
        var pipe = new ChunkedPipeStream();
        var half = samples.Length / 2;
        pipe.Append(TestSpeech.ToBytes(samples.AsSpan(0, half)));

        await using var e = client.GetStreamingTextAsync(pipe).GetAsyncEnumerator();

        // The pipe is still open: reading the whole stream first would wait here until the timeout.
        while (await e.MoveNextAsync().AsTask().WaitAsync(Timeout) && e.Current.Kind != SpeechToTextResponseUpdateKind.TextUpdating)
        {
        }

        e.Current.Text.ShouldNotBeNullOrWhiteSpace();
        await pipe.FeedAsync(samples[half..]).WaitAsync(Timeout);
        var final = "";
        while (await e.MoveNextAsync().AsTask().WaitAsync(Timeout))
        {
            final = e.Current.Kind == SpeechToTextResponseUpdateKind.TextUpdated ? e.Current.Text : final;
        }

        final.ShouldContain("kitchen");
    }

    [Fact]
    public async Task A_recogniser_failing_before_its_first_update_hands_the_audio_it_read_to_the_next()
    {
        var broken = new FailingRecogniser(bytesBeforeFailure: 16_000); // half a second of 16 kHz PCM16
        using var client = new FallbackSpeechToTextClient([broken, NewPocketSphinx()]);
        var samples = TestSpeech.Flite("turn on the kitchen lights", "slt");
        var pipe = new ChunkedPipeStream();
        var feeding = pipe.FeedAsync(samples);

        var updates = new List<SpeechToTextResponseUpdate>();
        using var limit = new CancellationTokenSource(Timeout);
        await foreach (var u in client.GetStreamingTextAsync(pipe).WithCancellation(limit.Token))
        {
            updates.Add(u);
        }

        await feeding.WaitAsync(Timeout);
        broken.BytesRead.ShouldBe(16_000);

        // "turn on" is in the half second the broken engine read: the next engine heard it again.
        var final = updates.Single(u => u.Kind == SpeechToTextResponseUpdateKind.TextUpdated).Text;
        final.ShouldStartWith("turn");
        final.ShouldContain("kitchen");
    }

    private static PocketSphinxSpeechToTextClient NewPocketSphinx() => new(new PocketSphinxOptions { MaxDecoders = 1 }, new LinearResamplerFactory());

    /// <summary>A recogniser that reads some audio, then fails before answering (a crashed decoder, a refused upload).</summary>
    private sealed class FailingRecogniser(int bytesBeforeFailure) : ISpeechToTextClient
    {
        public int BytesRead { get; private set; }

        public Task<SpeechToTextResponse> GetTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new IOException("the recogniser failed");

        public async IAsyncEnumerable<SpeechToTextResponseUpdate> GetStreamingTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var buffer = new byte[1000];
            while (BytesRead < bytesBeforeFailure)
            {
                var n = await audioSpeechStream.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, bytesBeforeFailure - BytesRead)), cancellationToken);
                if (n == 0)
                {
                    break;
                }

                BytesRead += n;
            }

            throw new IOException("the recogniser failed");
#pragma warning disable CS0162 // An iterator needs a yield to be one.
            yield break;
#pragma warning restore CS0162
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
