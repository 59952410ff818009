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
}
