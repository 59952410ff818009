using VoiceAgent.Providers.Embedded.PocketSphinx;

namespace VoiceAgent.Providers.Tests.Embedded.PocketSphinx;

/// <summary>The decoder pool (one decoder per core by default) recovers a worker that died mid-utterance.</summary>
public sealed class PocketSphinxDecoderPoolTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_decoder_left_mid_utterance_by_a_dead_worker_is_freed_and_replaced_and_the_pool_keeps_hearing()
    {
        var options = new PocketSphinxOptions { MaxDecoders = 1 };
        using var pool = new PocketSphinxDecoderPool(options.MaxDecoders, () => PocketSphinxDecoder.Create(options));
        var speech = TestSpeech.Flite("play some music");

        // A worker that dies mid-utterance (its task faulted or was cancelled) hands back a decoder whose native state is
        // half an utterance: reusing it would decode the next caller's audio on top of this one's.
        var dead = await pool.RentAsync(CancellationToken.None).AsTask().WaitAsync(Timeout);
        dead.StartUtterance();
        dead.Process(speech.AsSpan(0, speech.Length / 2), wantHypothesis: false);
        pool.Return(dead);

        Should.Throw<ObjectDisposedException>(() => dead.Process(speech, wantHypothesis: false), "the pool freed the abandoned decoder");

        // One slot only: getting a decoder at all proves the dead worker's slot came back.
        var fresh = await pool.RentAsync(CancellationToken.None).AsTask().WaitAsync(Timeout);
        fresh.ShouldNotBeSameAs(dead);
        pool.Created.ShouldBe(2);
        fresh.StartUtterance();
        fresh.Process(speech, wantHypothesis: false);
        var heard = fresh.EndUtterance().Result.Picked;
        heard.Text.Split(' ').ShouldContain("music", $"heard \"{heard.Text}\"");

        // A decoder that finished cleanly is kept warm for the next utterance.
        pool.Return(fresh);
        var again = await pool.RentAsync(CancellationToken.None).AsTask().WaitAsync(Timeout);
        again.ShouldBeSameAs(fresh);
        pool.Return(again);
        pool.Created.ShouldBe(2);
    }
}
