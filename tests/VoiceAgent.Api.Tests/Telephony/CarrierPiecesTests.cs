using System.Net.WebSockets;
using System.Text;
using VoiceAgent.Api.Telephony;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Api.Tests.Telephony;

/// <summary>The phone path's small parts alone: chunk order, DTMF entries, history from playback, the serializers' shapes.</summary>
public sealed class CarrierPiecesTests
{
    [Fact]
    public void Chunks_are_released_in_order_late_ones_dropped_and_a_gap_given_up_after_the_depth()
    {
        var order = new ChunkOrder<byte[]>(depth: 3);
        var out_ = new List<byte>();
        void Add(long n) => order.Add(n, [(byte)n], p => out_.Add(p[0]));
        Add(1);
        Add(3);
        Add(2);
        out_.ShouldBe([1, 2, 3]);
        Add(2);                       // late: dropped
        order.Late.ShouldBe(1);
        Add(5);
        Add(6);
        Add(7);
        out_.ShouldBe([1, 2, 3]);     // waiting for 4
        Add(8);                       // over the depth: 4 is given up
        out_.ShouldBe([1, 2, 3, 5, 6, 7, 8]);
        order.Add(null, [42], p => out_.Add(p[0]));
        out_[^1].ShouldBe((byte)42);
    }

    [Fact]
    public void Dtmf_keys_form_one_entry_ended_by_hash_or_a_pause()
    {
        var time = new SteppedTime();
        var entry = new DtmfEntry(TimeSpan.FromMilliseconds(1500), time);
        entry.Add("1").ShouldBeNull();
        entry.Add("x").ShouldBeNull(); // not a key
        entry.Add("2").ShouldBeNull();
        entry.Add("#").ShouldBe("[DTMF: 12#]");
        entry.Add("9").ShouldBeNull();
        entry.Poll().ShouldBeNull();
        time.Now += TimeSpan.FromMilliseconds(1500);
        entry.Poll().ShouldBe("[DTMF: 9]");
        entry.Poll().ShouldBeNull();

        // A peer that sends a flood of keys gets entries of at most MaxKeys, never one without bound.
        entry.Add(new string('5', 10_000)).ShouldBe($"[DTMF: {new string('5', DtmfEntry.MaxKeys)}]");
        entry.Poll().ShouldBeNull();
    }

    [Fact]
    public void A_second_start_changes_neither_the_stream_id_nor_the_format()
    {
        var telnyx = new TelnyxSerializer();
        telnyx.Parse("""{"event":"start","start":{"call_control_id":"v3:1","media_format":{"encoding":"PCMU","sample_rate":8000}},"stream_id":"S1"}"""u8, WebSocketMessageType.Text).ShouldBeOfType<CarrierStart>();
        telnyx.Parse("""{"event":"start","start":{"call_control_id":"v3:2","media_format":{"encoding":"L16","sample_rate":16000}},"stream_id":"S2"}"""u8, WebSocketMessageType.Text).ShouldBeOfType<CarrierBadMessage>();
        telnyx.StreamId.ShouldBe("S1");
        telnyx.Format.ShouldBe(CarrierAudioFormat.MuLaw8k);
    }

    [Fact]
    public void An_interrupted_reply_keeps_the_played_sentences_a_finished_one_keeps_all()
    {
        var conversation = new Conversation("s", SessionSettings.Default) { HistoryFromPlayback = true };
        var turn = new TurnId(1);
        conversation.BeginReply(turn, "question");
        conversation.SentenceSent(turn, "One.");
        conversation.SentenceSent(turn, " Two.");
        conversation.SentenceSent(turn, " Three.");
        conversation.SentencesPlayed(turn, 1);
        conversation.SentencesPlayed(new TurnId(7), 3); // another turn's mark changes nothing
        conversation.EndReply(turn, interrupted: true)!.AssistantText.ShouldBe("One.");

        var next = new TurnId(2);
        conversation.BeginReply(next, "again");
        conversation.SentenceSent(next, "Four.");
        conversation.SentenceSent(next, " Five.");
        conversation.EndReply(next, interrupted: false)!.AssistantText.ShouldBe("Four. Five.");
    }

    [Fact]
    public void A_reply_closed_by_two_newer_replies_before_its_interrupt_arrived_is_still_handed_to_its_transport()
    {
        // A question cut in two by a pause: both halves start replies before the transport has ended the one they interrupted.
        var conversation = new Conversation("s", SessionSettings.Default) { HistoryFromPlayback = true };
        var talkedOver = new TurnId(1);
        conversation.BeginReply(talkedOver, "question");
        conversation.SentenceSent(talkedOver, "One.");
        conversation.SentenceSent(talkedOver, " Two.");
        conversation.SentencesPlayed(talkedOver, 1);
        conversation.BeginReply(new TurnId(2), "what time");
        conversation.BeginReply(new TurnId(3), "is it now");

        conversation.EndReply(talkedOver, interrupted: true)!.AssistantText.ShouldBe("One.");
        conversation.EndReply(new TurnId(2), interrupted: true)!.UserText.ShouldBe("what time");
        conversation.EndReply(talkedOver, interrupted: true).ShouldBeNull();
    }

    [Fact]
    public void Twilio_messages_have_the_documented_shapes()
    {
        var twilio = new TwilioSerializer();
        var start = twilio.Parse(Encoding.UTF8.GetBytes("""{"event":"start","sequenceNumber":"1","start":{"streamSid":"MZ1","accountSid":"AC1","callSid":"CA1","tracks":["inbound"],"customParameters":{"from":"+1555"},"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}},"streamSid":"MZ1"}"""), WebSocketMessageType.Text)
            .ShouldBeOfType<CarrierStart>();
        start.CallId.ShouldBe("CA1");
        start.From.ShouldBe("+1555");
        Encoding.UTF8.GetString(twilio.Media([0xFF, 0x7F]).Data.Span).ShouldBe("""{"event":"media","streamSid":"MZ1","media":{"payload":"/38="}}""");
        Encoding.UTF8.GetString(twilio.Mark("3.1").Data.Span).ShouldBe("""{"event":"mark","streamSid":"MZ1","mark":{"name":"3.1"}}""");
        Encoding.UTF8.GetString(twilio.Clear().Data.Span).ShouldBe("""{"event":"clear","streamSid":"MZ1"}""");
        twilio.Parse("""{"event":"media","media":{"track":"outbound","payload":"AA=="}}"""u8, WebSocketMessageType.Text).ShouldBeOfType<CarrierIgnored>();
        twilio.Parse("""{"event":"media","media":{"payload":"@@"}}"""u8, WebSocketMessageType.Text).ShouldBeOfType<CarrierBadMessage>();
    }

    [Fact]
    public void Telnyx_and_vonage_messages_have_the_documented_shapes()
    {
        var telnyx = new TelnyxSerializer();
        telnyx.Parse("""{"event":"start","sequence_number":"1","start":{"call_control_id":"v3:1","from":"+1555","media_format":{"encoding":"PCMA","sample_rate":8000,"channels":1}},"stream_id":"S1"}"""u8, WebSocketMessageType.Text).ShouldBeOfType<CarrierStart>();
        telnyx.Format.Codec.ShouldBe(CarrierCodec.ALaw);
        Encoding.UTF8.GetString(telnyx.Media([0xD5]).Data.Span).ShouldBe("""{"event":"media","media":{"payload":"1Q=="}}""");
        Encoding.UTF8.GetString(telnyx.Clear().Data.Span).ShouldBe("""{"event":"clear"}""");
        telnyx.Parse("""{"event":"media","media":{"chunk":"7","payload":"AA=="},"stream_id":"S1"}"""u8, WebSocketMessageType.Text, out var chunk7).ShouldBeOfType<CarrierMedia>();
        chunk7.Chunk.ShouldBe(7);
        chunk7.Return();

        var vonage = new VonageSerializer();
        vonage.Parse(new byte[640], WebSocketMessageType.Binary).ShouldBeOfType<CarrierBadMessage>(); // audio before connected
        vonage.Parse("""{"event":"websocket:connected","content-type":"audio/l16;rate=16000","from":"1555","uuid":"u1"}"""u8, WebSocketMessageType.Text).ShouldBeOfType<CarrierStart>().From.ShouldBe("1555");
        vonage.Format.SampleRate.ShouldBe(16000);
        vonage.Parse(new byte[640], WebSocketMessageType.Binary).ShouldBeOfType<CarrierMedia>();
        vonage.Media(new byte[640]).Type.ShouldBe(WebSocketMessageType.Binary);
        Encoding.UTF8.GetString(vonage.Mark("2.1").Data.Span).ShouldBe("""{"action":"notify","payload":{"name":"2.1"}}""");
        Encoding.UTF8.GetString(vonage.Clear().Data.Span).ShouldBe("""{"action":"clear"}""");
        vonage.Parse("""{"event":"websocket:notify","payload":{"name":"2.1"}}"""u8, WebSocketMessageType.Text).ShouldBeOfType<CarrierMark>().Name.ShouldBe("2.1");
    }

    /// <summary>A clock that moves only when told.</summary>
    private sealed class SteppedTime : TimeProvider
    {
        public TimeSpan Now { get; set; } = TimeSpan.FromSeconds(1);

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Now.Ticks;
    }
}
