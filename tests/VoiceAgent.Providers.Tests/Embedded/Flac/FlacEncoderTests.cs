using VoiceAgent.Providers.Embedded.Flac;
using VoiceAgent.Providers.Ffmpeg;

namespace VoiceAgent.Providers.Tests.Embedded.Flac;

/// <summary>libFLAC in process: streamed in uneven pieces, decoded by ffmpeg, the speech comes back sample for sample.</summary>
public sealed class FlacEncoderTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Speech_written_in_pieces_decodes_to_the_same_samples()
    {
        var speech = TestSpeech.Flite("your order has shipped and will arrive on friday", rate: 24_000);
        using var output = new MemoryStream();
        await using (var flac = new FlacEncoder(24_000, output))
        {
            flac.ContentType.ShouldBe("audio/flac");
            await flac.WriteAsync(ReadOnlyMemory<short>.Empty).AsTask().WaitAsync(Timeout);
            output.Length.ShouldBe(0, "nothing goes out before the first audio");

            // The first piece brings the stream header and the blocks it completed at once.
            await flac.WriteAsync(speech.AsMemory(0, 3000)).AsTask().WaitAsync(Timeout);
            output.ToArray().AsSpan(0, 4).SequenceEqual("fLaC"u8).ShouldBeTrue();
            var afterFirst = output.Length;
            afterFirst.ShouldBeGreaterThan(42, "the header (4 + 38 bytes) and at least one block");

            for (var at = 3000; at < speech.Length; at += 777)
            {
                await flac.WriteAsync(speech.AsMemory(at, Math.Min(777, speech.Length - at))).AsTask().WaitAsync(Timeout);
            }

            await flac.CompleteAsync().AsTask().WaitAsync(Timeout);
        }

        var decoded = await FfmpegDecoder.DecodeAsync(output.ToArray(), 24_000, TimeSpan.FromMinutes(1)).WaitAsync(Timeout);
        decoded.ShouldBe(speech);
        output.Length.ShouldBeLessThan(speech.Length * 2, "FLAC compresses speech");
    }

    [Fact]
    public void A_rate_flac_cannot_carry_is_refused_clearly()
    {
        var ex = Should.Throw<InvalidOperationException>(() => new FlacEncoder(0, Stream.Null));
        ex.Message.ShouldContain("libFLAC cannot encode");
    }
}
