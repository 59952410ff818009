using System.Text;
using VoiceAgent.Api.VoiceCall;

namespace VoiceAgent.Api.Tests.VoiceCall;

public class ClientFrameParserTests
{
    [Fact]
    public void The_seed_frame_parses()
    {
        var json = "{\"audio\":\"AAABAA==\",\"meta_info\":{\"session_id\":\"s1\",\"encoding\":\"raw\"},\"is_close\":false}";
        ClientFrameParser.TryParse(Encoding.UTF8.GetBytes(json), out var frame, out var error).ShouldBeTrue(error?.Message);
        frame!.Audio.ShouldBe(new byte[] { 0, 0, 1, 0 });
        frame.SessionId.ShouldBe("s1");
        frame.IsClose.ShouldBeFalse();
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"meta_info\":{\"session_id\":\"s\"},\"extra\":[1,2]}")]
    public void Frames_without_audio_are_heartbeats(string json)
    {
        ClientFrameParser.TryParse(Encoding.UTF8.GetBytes(json), out var frame, out _).ShouldBeTrue();
        frame!.IsHeartbeat.ShouldBeTrue();
    }

    [Theory]
    [InlineData("AA==", 400, "even number")]
    [InlineData("A", 400, "not valid base64")]
    public void Bad_audio_is_explained(string audio, int code, string message)
    {
        ClientFrameParser.TryParse(Encoding.UTF8.GetBytes($"{{\"audio\":\"{audio}\"}}"), out _, out var error).ShouldBeFalse();
        error!.Code.ShouldBe(code);
        error.Message.ShouldContain(message);
    }

    [Theory]
    [InlineData("AAABAA==")] // the fast path: decoded from the frame's own bytes
    [InlineData("AAA\\u0042AA==")] // a JSON escape inside the base64: unescaped first
    [InlineData("AAAB AA==")] // whitespace, which the base64 decoder has always skipped
    [InlineData("AAABAA\\u003d\\u003d")] // escaped padding
    public void Every_spelling_of_the_same_audio_decodes_to_the_same_samples(string audio)
    {
        ClientFrameParser.TryParse(Encoding.UTF8.GetBytes($"{{\"audio\":\"{audio}\"}}"), out var frame, out var error).ShouldBeTrue(error?.Message);
        frame!.Audio.ShouldBe(new byte[] { 0, 0, 1, 0 });
    }

    [Fact]
    public void Oversize_audio_is_refused_413_whatever_its_spelling()
    {
        var tooLong = new string('A', 42_672 + 4);
        ClientFrameParser.TryParse(Encoding.UTF8.GetBytes($"{{\"audio\":\"{tooLong}\"}}"), out _, out var error).ShouldBeFalse();
        error!.Code.ShouldBe(413);
    }

    [Fact]
    public void Deep_nesting_is_refused_not_crashed_on()
    {
        var json = new string('[', 10_000) + new string(']', 10_000);
        ClientFrameParser.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error).ShouldBeFalse();
        error!.Code.ShouldBe(400);
    }
}
