using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Pipeline.Tests.Audio;

public class AudioFormatTests
{
    [Fact]
    public void Forty_milliseconds_at_16k_is_1280_bytes() => AudioFormat.Pcm16Mono16k.BytesFor(40).ShouldBe(1280);

    [Fact]
    public void Media_type_round_trips()
    {
        AudioFormat.TryParseMediaType(AudioFormat.Pcm16Mono(22050).ToMediaType(), out var f).ShouldBeTrue();
        f.ShouldBe(AudioFormat.Pcm16Mono(22050));
        AudioFormat.TryParseMediaType("audio/mpeg", out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData("audio/pcm", 24_000, 1)]
    [InlineData(" AUDIO/L16 ; rate=8000 ;; channels=2 ", 8000, 2)]
    [InlineData("audio/pcm;endian;rate=48000", 48_000, 1)]
    [InlineData(";audio/pcm;rate=16000", 16_000, 1)]
    public void Media_types_are_read_part_by_part_with_spaces_and_empty_parts_ignored(string mediaType, int rate, int channels)
    {
        AudioFormat.TryParseMediaType(mediaType, out var f, 24_000).ShouldBeTrue();
        f.ShouldBe(new AudioFormat(rate, channels));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ; ")]
    [InlineData("rate=16000;audio/pcm")]
    [InlineData("audio/pcm;rate=0")]
    [InlineData("audio/pcm;rate=fast")]
    [InlineData("audio/pcm;codec=x;rate=48000")]
    public void Media_types_that_are_not_pcm_or_have_a_bad_number_are_refused(string mediaType) =>
        AudioFormat.TryParseMediaType(mediaType, out _).ShouldBeFalse();
}
