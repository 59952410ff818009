using VoiceAgent.Providers.Embedded.Opus;
using VoiceAgent.Providers.Ffmpeg;

namespace VoiceAgent.Providers.Tests.Embedded.Opus;

/// <summary>libopus in process with our Ogg pages: streamed in uneven pieces, decoded by ffmpeg, the speech comes back as long and alike.</summary>
public sealed class OggOpusEncoderTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Speech_written_in_pieces_decodes_to_speech_of_the_same_length()
    {
        var speech = TestSpeech.Flite("your order has shipped and will arrive on friday", rate: 24_000);
        using var output = new MemoryStream();
        await using (var opus = new OggOpusEncoder(24_000, 32_000, output))
        {
            opus.ContentType.ShouldBe("audio/ogg");
            await opus.WriteAsync(ReadOnlyMemory<short>.Empty).AsTask().WaitAsync(Timeout);
            output.Length.ShouldBe(0, "nothing goes out before the first audio");

            // The first piece brings both header pages and a page of the frames it completed, at once.
            await opus.WriteAsync(speech.AsMemory(0, 3000)).AsTask().WaitAsync(Timeout);
            var bytes = output.ToArray();
            bytes.AsSpan(0, 4).SequenceEqual("OggS"u8).ShouldBeTrue();
            bytes.AsSpan(28, 8).SequenceEqual("OpusHead"u8).ShouldBeTrue();
            CountPages(bytes).ShouldBe(3, "OpusHead, OpusTags and the first 120 ms of audio");

            for (var at = 3000; at < speech.Length; at += 777)
            {
                await opus.WriteAsync(speech.AsMemory(at, Math.Min(777, speech.Length - at))).AsTask().WaitAsync(Timeout);
            }

            await opus.CompleteAsync().AsTask().WaitAsync(Timeout);
        }

        // ffmpeg checks every page's CRC and trims the pre-skip and the end padding by the granules.
        var decoded = await FfmpegDecoder.DecodeAsync(output.ToArray(), 24_000, TimeSpan.FromMinutes(1)).WaitAsync(Timeout);
        decoded.Length.ShouldBeInRange(speech.Length - 480, speech.Length + 480, "the same length, to a frame");
        Correlation(speech, decoded).ShouldBeGreaterThan(0.8, "the same speech, lossy but close");
        output.Length.ShouldBeLessThan(speech.Length / 4, "Opus at 32 kb/s is a twelfth of 384 kb/s PCM, plus page headers");
    }

    [Fact]
    public void A_rate_opus_cannot_carry_is_refused_clearly()
    {
        var ex = Should.Throw<InvalidOperationException>(() => new OggOpusEncoder(22_050, 32_000, Stream.Null));
        ex.Message.ShouldContain("Opus takes 8, 12, 16, 24 or 48 kHz");
    }

    private static int CountPages(byte[] ogg)
    {
        var pages = 0;
        for (var at = 0; at + 27 <= ogg.Length; pages++)
        {
            ogg.AsSpan(at, 4).SequenceEqual("OggS"u8).ShouldBeTrue("pages follow each other with nothing between");
            int segments = ogg[at + 26], body = 0;
            for (var i = 0; i < segments; i++)
            {
                body += ogg[at + 27 + i];
            }

            at += 27 + segments + body;
        }

        return pages;
    }

    private static double Correlation(short[] a, short[] b)
    {
        var n = Math.Min(a.Length, b.Length);
        double ab = 0, aa = 0, bb = 0;
        for (var i = 0; i < n; i++)
        {
            ab += a[i] * (double)b[i];
            aa += a[i] * (double)a[i];
            bb += b[i] * (double)b[i];
        }

        return ab / Math.Sqrt(aa * bb);
    }
}
