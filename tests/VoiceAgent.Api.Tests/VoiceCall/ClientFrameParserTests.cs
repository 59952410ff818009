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
        frame.Audio!.Value.ToArray().ShouldBe(new byte[] { 0, 0, 1, 0 });
        frame.SessionId.ShouldBe("s1");
        frame.IsClose.ShouldBeFalse();
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"meta_info\":{\"session_id\":\"s\"},\"extra\":[1,2]}")]
    public void Frames_without_audio_are_heartbeats(string json)
    {
        ClientFrameParser.TryParse(Encoding.UTF8.GetBytes(json), out var frame, out _).ShouldBeTrue();
        frame.IsHeartbeat.ShouldBeTrue();
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
        frame.Audio!.Value.ToArray().ShouldBe(new byte[] { 0, 0, 1, 0 });
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

    [Fact]
    public void Escaped_names_and_strings_read_as_their_text()
    {
        var json = "{\"\\u0061udio\":\"AAABAA==\",\"meta_info\":{\"session_\\u0069d\":\"s\\u00e9\\n1\",\"encoding\":\"R\\u0041W\"}}";
        ClientFrameParser.TryParse(Encoding.UTF8.GetBytes(json), out var frame, out var error).ShouldBeTrue(error?.Message);
        frame.Audio!.Value.ToArray().ShouldBe(new byte[] { 0, 0, 1, 0 });
        frame.SessionId.ShouldBe("s\u00e9\n1");
    }

    [Fact]
    public void Unknown_fields_of_any_shape_pass_anywhere_in_the_frame()
    {
        var json = "{\"x\":{\"audio\":5,\"is_close\":\"no\"},\"meta_info\":{\"v\":[1,{\"session_id\":2}],\"session_id\":\"s1\"},\"y\":[[null]],\"is_close\":true,\"z\":1.5e3}";
        ClientFrameParser.TryParse(Encoding.UTF8.GetBytes(json), out var frame, out var error).ShouldBeTrue(error?.Message);
        frame.SessionId.ShouldBe("s1");
        frame.IsClose.ShouldBeTrue();
        frame.Audio.ShouldBeNull();
    }

    [Theory]
    [InlineData("{\"audio\":\"AAAB!A==\"}")]
    [InlineData("{\"audio\":\"AAABAA\"}")]
    [InlineData("{\"audio\":\"AA==AA==\"}")]
    [InlineData("{\"audio\":\"AAA\\u0021AA==\"}")]
    public void Bad_base64_gets_the_protocols_400(string json)
    {
        ClientFrameParser.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error).ShouldBeFalse();
        error!.Code.ShouldBe(400);
        error.Message.ShouldContain("not valid base64");
    }

    [Theory]
    [InlineData("[1]", "A frame must be a JSON object, not an array.")]
    [InlineData("\"x\"", "A frame must be a JSON object, not a string.")]
    [InlineData("{\"meta_info\":[]}", "'meta_info' must be an object, not an array.")]
    [InlineData("{\"meta_info\":{\"session_id\":7}}", "'meta_info.session_id' must be a string, not a number.")]
    [InlineData("{\"meta_info\":{\"encoding\":false}}", "'meta_info.encoding' must be a string, not a boolean.")]
    [InlineData("{\"meta_info\":{\"session_id\":\"\"}}", "'meta_info.session_id' must not be empty.")]
    [InlineData("{\"is_close\":\"yes\"}", "'is_close' must be true or false, not a string.")]
    [InlineData("{\"audio\":{}}", "'audio' must be a base64 string, not an object.")]
    public void Wrong_types_get_the_protocols_400_saying_what_was_wrong(string json, string message)
    {
        ClientFrameParser.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error).ShouldBeFalse();
        error!.Code.ShouldBe(400);
        error.Message.ShouldBe(message);
    }

    [Fact]
    public void An_unsupported_encoding_with_audio_gets_415()
    {
        var json = "{\"audio\":\"AAABAA==\",\"meta_info\":{\"encoding\":\"opus\"}}";
        ClientFrameParser.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error).ShouldBeFalse();
        error!.Code.ShouldBe(415);
    }

    [Theory]
    [InlineData("{\"audio\":5,")]
    [InlineData("{\"audio\":5}{}")]
    [InlineData("{\"audio\":5,}")]
    [InlineData("")]
    [InlineData("{\"audio\":5} x")]
    public void A_frame_that_is_not_json_anywhere_is_called_malformed_before_any_field_is_judged(string json)
    {
        ClientFrameParser.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error).ShouldBeFalse();
        error!.Code.ShouldBe(400);
        error.Message.ShouldStartWith("Malformed JSON");
    }

    [Fact]
    public void A_property_given_twice_counts_by_its_last_value()
    {
        var json = "{\"is_close\":\"bad\",\"audio\":1,\"meta_info\":{\"session_id\":\"a\"},\"meta_info\":{\"session_id\":\"b\",\"session_id\":\"c\"},\"is_close\":true,\"audio\":\"AAABAA==\"}";
        ClientFrameParser.TryParse(Encoding.UTF8.GetBytes(json), out var frame, out var error).ShouldBeTrue(error?.Message);
        frame.SessionId.ShouldBe("c");
        frame.IsClose.ShouldBeTrue();
        frame.Audio!.Value.Length.ShouldBe(4);
    }

    [Fact]
    public void A_lone_surrogate_escape_in_a_string_gets_a_400_not_an_exception()
    {
        var json = "{\"meta_info\":{\"session_id\":\"a\\ud800b\"}}";
        ClientFrameParser.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error).ShouldBeFalse();
        error!.Code.ShouldBe(400);
        error.Message.ShouldContain("lone surrogate");
    }

    [Fact]
    public void The_known_session_id_is_handed_back_as_the_same_string_instead_of_a_new_one()
    {
        var known = new string("s1".AsSpan());
        ClientFrameParser.TryParse(Encoding.UTF8.GetBytes("{\"meta_info\":{\"session_id\":\"s1\"}}"), out var frame, out _, known).ShouldBeTrue();
        ReferenceEquals(frame.SessionId, known).ShouldBeTrue();
    }
}
