using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using VoiceAgent.Api.Telephony;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Providers.Embedded.Soxr;
using Xunit.Abstractions;

namespace VoiceAgent.Api.Tests.Telephony;

/// <summary>
/// The phone path's per-message work, both ways, without a socket: what every 20–40 ms of every call costs. Once warm it
/// allocates nothing, and it reads and writes what the carriers' documented shapes say, malformed messages included.
/// </summary>
public sealed class PhoneHotPathTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData("twilio")]
    [InlineData("telnyx")]
    public void An_inbound_media_message_is_parsed_decoded_and_ordered_without_allocating_once_warm(string carrier)
    {
        var serializer = Started(carrier);
        var mulaw = new byte[160];
        new Random(7).NextBytes(mulaw);
        // Twilio's messages as a .NET client's serializer writes them (base64's '+' escaped as \u002B); Telnyx's plain.
        var payload = Convert.ToBase64String(mulaw);
        payload = carrier == "twilio" ? payload.Replace("+", "\\u002B", StringComparison.Ordinal) : payload;
        payload.Contains('+', StringComparison.Ordinal).ShouldBe(carrier != "twilio");
        var messages = Enumerable.Range(1, 300).Select(chunk => Encoding.UTF8.GetBytes(
            $$"""{"event":"media","sequenceNumber":"{{chunk + 2}}","media":{"track":"inbound","chunk":"{{chunk}}","timestamp":"{{chunk * 20}}","payload":"{{payload}}"},"streamSid":"MZ1"}""")).ToArray();
        var order = new ChunkOrder<CarrierAudio>();
        var pcm = new byte[320];
        long decoded = 0;
        var notMedia = 0;
        Action<CarrierAudio> release = audio =>
        {
            decoded += serializer.Format.DecodeInto(audio.Span, pcm);
            audio.Return();
        };
        void Receive(byte[] message)
        {
            // Counted rather than asserted here: an assertion library may allocate, which is not what is measured.
            if (serializer.Parse(message, WebSocketMessageType.Text, out var audio) != CarrierMedia.Received || !order.Add(audio.Chunk, audio, release))
            {
                notMedia++;
            }
        }

        for (var i = 0; i < 50; i++)
        {
            Receive(messages[i]);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 50; i < messages.Length; i++)
        {
            Receive(messages[i]);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        log.WriteLine($"{messages.Length - 50} {carrier} media messages after warm-up: {allocated} bytes allocated");
        notMedia.ShouldBe(0);
        allocated.ShouldBe(0);
        decoded.ShouldBe(300 * 320);
        MemoryMarshalSamples(pcm).ToArray().ShouldBe(mulaw.Select(G711.MuLawDecode).ToArray());
    }

    [Theory]
    [InlineData("twilio")]
    [InlineData("telnyx")]
    [InlineData("vonage")]
    public void Outbound_agent_audio_is_coded_and_written_as_carrier_messages_without_allocating_once_warm(string carrier)
    {
        var serializer = Started(carrier);
        using var audioOut = new PhoneAudioOut(new SoxrResamplerFactory(), serializer.Format, serializer.FramesPerMessage);
        var speech = Pcm16.ToBytes(Enumerable.Range(0, 16_000 * 4).Select(i => (short)(8000 * Math.Sin(i * 0.05))).ToArray());
        long sent = 0;
        Action<ReadOnlyMemory<byte>> send = coded =>
        {
            var message = serializer.Media(coded.Span);
            sent += message.Data.Length;
            AudioPool.Return(message.Pooled!);
        };
        const int Chunk = 640; // 20 ms at 16 kHz, as the pipeline's TTS output arrives
        for (var off = 0; off < Chunk * 50; off += Chunk)
        {
            audioOut.Write(speech.AsSpan(off, Chunk), 16_000, send);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var off = Chunk * 50; off + Chunk <= speech.Length; off += Chunk)
        {
            audioOut.Write(speech.AsSpan(off, Chunk), 16_000, send);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        log.WriteLine($"{(speech.Length / Chunk) - 50} chunks of agent audio to {carrier} after warm-up: {allocated} bytes allocated, {sent} bytes of messages");
        allocated.ShouldBe(0);
        sent.ShouldBeGreaterThan(0);
    }

    [Theory]
    [InlineData("twilio")]
    [InlineData("telnyx")]
    public void Outbound_media_is_the_documented_json_with_the_audio_as_base64_whatever_its_bytes(string carrier)
    {
        var serializer = Started(carrier);
        for (var n = 0; n <= 6; n++)
        {
            // 0xFB 0xEF 0xFF encodes as "++//": the characters a JSON writer might escape, and every padding length.
            var audio = Enumerable.Range(0, n).Select(i => (byte)(i % 3 == 0 ? 0xFB : i % 3 == 1 ? 0xEF : 0xFF)).ToArray();
            var message = serializer.Media(audio);
            message.Type.ShouldBe(WebSocketMessageType.Text);
            using var json = JsonDocument.Parse(message.Data);
            json.RootElement.GetProperty("event").GetString().ShouldBe("media");
            json.RootElement.GetProperty("media").GetProperty("payload").GetBytesFromBase64().ShouldBe(audio);
            if (carrier == "twilio")
            {
                json.RootElement.GetProperty("streamSid").GetString().ShouldBe("MZ\"1\\");
            }
            else
            {
                json.RootElement.TryGetProperty("stream_id", out _).ShouldBeFalse();
            }

            AudioPool.Return(message.Pooled!);
        }
    }

    [Theory]
    [InlineData("""{"event":"media","media":{"payload":"@@@@"}}""", "bad")]                    // not base64
    [InlineData("""{"event":"media","media":{"payload":"AAA"}}""", "bad")]                     // unpadded
    [InlineData("""{"event":"media","media":{"payload":12.5}}""", "bad")]                      // a number that is not base64
    [InlineData("""{"event":"media","media":{"payload":{"a":1}}}""", "bad")]                   // an object
    [InlineData("""{"event":"media","media":{"payload":["AA=="]}}""", "bad")]                  // an array
    [InlineData("""{"event":"media","media":{"payload":null}}""", "bad")]
    [InlineData("""{"event":"media","media":"AA=="}""", "bad")]                                // media not an object
    [InlineData("""{"event":"media","media":{"payload":"AA=="},"media":7}""", "bad")]          // the last "media" counts
    [InlineData("""{"event":"media","media":{"payload":"AA=="}""", "bad")]                     // cut short
    [InlineData("""{"event":"media","media":{"payload":"AA=="}} trailing""", "media")]         // what follows the object is not read
    [InlineData("""{"event":"media","media":{"track":"outbound","payload":"AA=="}}""", "ignored")]
    [InlineData("""{"event":"media","media":{"track":7,"payload":"AA=="}}""", "ignored")]
    [InlineData("""{"event":"media","media":{"track":{"x":1},"payload":"AA=="}}""", "media")] // a track that is no string is no track
    [InlineData("""{"event":"media","media":{"chunk":{"x":1},"payload":"AA=="}}""", "media")] // nor a chunk
    [InlineData("""{"event":"media","media":{"payload":"AA =="}}""", "media")]                 // whitespace: Convert took it
    [InlineData("""{"event":"media","media":{"payload":"AA==\n"}}""", "media")]                // an escaped newline too
    [InlineData("""{"event":"media","media":{"payload":"A\u0041=="}}""", "media")]            // an escape: the document path reads it
    [InlineData("""{"event":"\u006dedia","media":{"payload":"AA=="}}""", "media")]
    [InlineData("""{"event":"media","media":{"payload":"AA==","payload":"bad!"}}""", "bad")]   // the last payload counts
    [InlineData("""{"event":7,"media":{"payload":"AA=="}}""", "ignored")]                      // event '7'
    public void Malformed_media_messages_are_told_apart_from_good_ones_as_before(string json, string expected)
    {
        var serializer = Started("twilio");
        var parsed = serializer.Parse(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, out var audio);
        var kind = parsed switch
        {
            CarrierMedia => "media",
            CarrierIgnored => "ignored",
            CarrierBadMessage => "bad",
            _ => parsed.GetType().Name,
        };
        log.WriteLine($"{json} -> {parsed}");
        kind.ShouldBe(expected);
        if (kind == "media")
        {
            audio.Span.ToArray().ShouldBe(new byte[] { 0 });
            audio.Return();
        }
        else
        {
            audio.Rented.ShouldBeNull();
        }
    }

    [Fact]
    public void A_chunk_number_is_read_from_a_string_or_a_number_and_a_late_chunk_is_handed_back()
    {
        var telnyx = Started("telnyx");
        telnyx.Parse("""{"event":"media","media":{"chunk":" 12 ","payload":"AA=="}}"""u8, WebSocketMessageType.Text, out var text);
        telnyx.Parse("""{"event":"media","media":{"chunk":13,"payload":"AA=="}}"""u8, WebSocketMessageType.Text, out var number);
        telnyx.Parse("""{"event":"media","media":{"chunk":"x","payload":"AA=="}}"""u8, WebSocketMessageType.Text, out var neither);
        (text.Chunk, number.Chunk, neither.Chunk).ShouldBe((12L, 13L, (long?)null));

        var order = new ChunkOrder<CarrierAudio>();
        var released = new List<long?>();
        order.Add(number.Chunk, number, a => released.Add(a.Chunk)).ShouldBeTrue();
        order.Add(text.Chunk, text, a => released.Add(a.Chunk)).ShouldBeFalse(); // 12 after 13: late, the caller returns it
        released.ShouldBe([13L]);
        foreach (var a in new[] { text, number, neither })
        {
            a.Return();
        }
    }

    private static CarrierSerializer Started(string carrier)
    {
        CarrierSerializer serializer = carrier switch
        {
            "twilio" => new TwilioSerializer(),
            "telnyx" => new TelnyxSerializer(),
            _ => new VonageSerializer(),
        };
        var start = carrier switch
        {
            "twilio" => """{"event":"start","start":{"streamSid":"MZ\"1\\","callSid":"CA1","mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}},"streamSid":"MZ\"1\\"}""",
            "telnyx" => """{"event":"start","start":{"call_control_id":"v3:1","media_format":{"encoding":"PCMU","sample_rate":8000}},"stream_id":"S1"}""",
            _ => """{"event":"websocket:connected","content-type":"audio/l16;rate=16000","uuid":"u1"}""",
        };
        serializer.Parse(Encoding.UTF8.GetBytes(start), WebSocketMessageType.Text).ShouldBeOfType<CarrierStart>();
        return serializer;
    }

    private static ReadOnlySpan<short> MemoryMarshalSamples(byte[] pcm) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(pcm);
}
