using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Api.Telephony;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Api.Tests.VoiceCall;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Api.Tests.Telephony;

/// <summary>Twilio Media Streams (PROTOCOLS.md §7) on the real host with the embedded engines, against a simulated Twilio.</summary>
public sealed class TwilioCallTests : IAsyncLifetime
{
    public const string AuthToken = "twilio-test-auth-token";
    private static readonly byte[] Question = TestAudio.FliteTelephone("what is twelve times seven", silenceMs: 1500);
    private ServiceHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await ServiceHost.StartAsync(
            new Dictionary<string, string?> { ["VoiceAgent:Telephony:Twilio:AuthToken"] = AuthToken, ["VoiceAgent:Telephony:PublicBaseUrl"] = CarrierSimulator.PublicBaseUrl },
            s =>
            {
                s.AddSingleton<IChatClient>(sp => sp.GetRequiredService<RecordingChatClient>());
                s.AddSingleton(sp => new RecordingChatClient(sp.GetRequiredKeyedService<IChatClient>("Embedded")));
            });
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_spoken_question_is_answered_with_intelligible_mulaw_audio_in_20_to_40_ms_messages_and_marks()
    {
        await using var twilio = await CarrierSimulator.ConnectAsync(_host, "twilio", authToken: AuthToken);
        await twilio.ConnectedAsync();
        await twilio.StartAsync("+1 555 123 0001", "CA" + Guid.NewGuid().ToString("N"));
        await twilio.StreamAsync(Question);

        // The reply's last mark comes back once the caller has heard all of it; the turn is saved by then.
        var store = _host.Service<IConversationStore>();
        await WaitForHistoryAsync(store, "phone:15551230001", 2);
        await twilio.WaitUntilAsync(t => t.Count("mark") > 0 && t.Echoed.Count == t.Count("mark"), "every mark echoed");

        var received = twilio.Snapshot();
        var media = received.Where(r => r.Kind == "media").Select(r => (byte[])r.Value!).ToList();
        media.Count.ShouldBeGreaterThan(10);
        media.ShouldAllBe(m => m.Length % 160 == 0 && m.Length >= 160 && m.Length <= 320, "whole 20 ms frames, 20–40 ms a message");
        received.FindIndex(r => r.Kind == "mark").ShouldBeGreaterThan(received.FindIndex(r => r.Kind == "media"), "a mark follows its sentence's audio");
        received.Last(r => r.Kind is "media" or "mark").Kind.ShouldBe("mark", "the reply ends with its last sentence's mark");

        // What the caller heard is speech as long as the reply: the host's own VAD (Silero) hears speech in most of it.
        // (Running it back through the embedded recogniser is no check: it is rough on 8 kHz audio; README has the figures.)
        var reply = (await store.GetAsync("phone:15551230001"))!.Messages[1];
        reply.Interrupted.ShouldBeFalse();
        var heard = twilio.Heard;
        var pcm = new short[heard.Length];
        G711.MuLawDecode(heard, pcm);
        (heard.Length / 8000.0).ShouldBeGreaterThan(reply.Text.Length / 40.0, "about as long as the reply takes to say");
        SpeechShare(pcm, 8000).ShouldBeGreaterThan(0.5);
    }

    /// <summary>The share of 16 kHz VAD frames the host's detector calls speech, after resampling with the host's resampler.</summary>
    internal double SpeechShare(short[] pcm, int rate) => SpeechShare(_host, pcm, rate);

    internal static double SpeechShare(ServiceHost host, short[] pcm, int rate)
    {
        var up = new ArrayBufferWriter<short>();
        using (var resampler = host.Service<IResamplerFactory>().Create(rate, 16_000))
        {
            resampler.Process(pcm, up);
            resampler.Flush(up);
        }

        using var vad = host.Service<VoiceAgent.Pipeline.Vad.IVoiceActivityDetectorFactory>().Create(16_000, 30);
        var frame = 16 * vad.FrameMs;
        int speech = 0, frames = 0;
        for (var off = 0; off + frame <= up.WrittenCount; off += frame, frames++)
        {
            speech += vad.IsSpeech(up.WrittenSpan.Slice(off, frame)) ? 1 : 0;
        }

        return frames == 0 ? 0 : (double)speech / frames;
    }

    [Fact]
    public async Task Dtmf_keys_reach_the_llm_as_the_users_turn()
    {
        await using var twilio = await CarrierSimulator.ConnectAsync(_host, "twilio", authToken: AuthToken);
        await twilio.ConnectedAsync();
        await twilio.StartAsync("+1 555 123 0002", "CA-dtmf");
        await twilio.StreamAsync(new byte[1600].Select(_ => (byte)0xFF).ToArray());
        await twilio.DtmfAsync("4");
        await twilio.DtmfAsync("2");
        await twilio.DtmfAsync("#");
        await WaitForHistoryAsync(_host.Service<IConversationStore>(), "phone:15551230002", 1);

        var requests = _host.Service<RecordingChatClient>().Requests;
        lock (requests)
        {
            requests.Select(r => r.Last()).ShouldContain(m => m.Role == ChatRole.User && m.Text == "[DTMF: 42#]");
        }
    }

    [Fact]
    public async Task Malformed_and_out_of_order_messages_are_survived_and_the_call_goes_on()
    {
        await using var twilio = await CarrierSimulator.ConnectAsync(_host, "twilio", authToken: AuthToken);
        await twilio.SendMediaAsync(new byte[160]);                                    // media before start
        await twilio.SendTextAsync("this is not json");
        await twilio.SendTextAsync("[1,2,3]");
        await twilio.SendTextAsync("{\"event\":\"media\",\"media\":{\"payload\":\"***\"}}");
        await twilio.SendTextAsync("{\"event\":\"mark\"}");
        await twilio.SendTextAsync("{\"event\":\"something-new\"}");
        await twilio.SendTextAsync("{\"no\":\"event\"}");
        await twilio.SendTextAsync("{\"event\":\"\\uD800\"}");                          // a lone surrogate: JSON that cannot be read as a string
        await twilio.SendBinaryAsync([1, 2, 3]);
        await twilio.ConnectedAsync();
        await twilio.StartAsync("+1 555 123 0003", "CA-bad");
        await twilio.StartAsync("+1 555 999 9999", "CA-second");                       // a second start
        await twilio.SendTextAsync("{\"event\":\"start\",\"start\":{\"mediaFormat\":{\"encoding\":\"audio/x-l16\",\"sampleRate\":16000}}}");
        await twilio.SendTextAsync("{\"event\":\"media\",\"media\":{\"payload\":7}}");      // a payload that is not base64 text
        await twilio.SendTextAsync("{\"event\":\"media\",\"media\":{\"payload\":{}}}");
        await twilio.SendTextAsync("{\"event\":\"media\",\"media\":\"AA==\"}");          // media that is not an object
        await twilio.SendTextAsync("{\"event\":\"media\",\"media\":{\"payload\":\"AA"); // cut short
        await twilio.SendMediaAsync(new byte[160], chunk: 1);                          // a late chunk
        await twilio.StreamAsync(Question);

        await WaitForHistoryAsync(_host.Service<IConversationStore>(), "phone:15551230003", 2);
        await twilio.WaitUntilAsync(t => t.Echoed.Count > 0, "a mark echoed");
        twilio.CloseStatus.ShouldBeNull();
        (await _host.Service<IConversationStore>().GetAsync("phone:15559999999")).ShouldBeNull();
    }

    [Fact]
    public async Task The_end_of_the_stream_closes_the_call_normally()
    {
        await using var twilio = await CarrierSimulator.ConnectAsync(_host, "twilio", authToken: AuthToken);
        await twilio.ConnectedAsync();
        await twilio.StartAsync("+1 555 123 0004", "CA-stop");
        await twilio.SendMediaAsync(new byte[160]);
        await twilio.StopAsync();
        await twilio.WaitForCloseAsync();
        twilio.CloseStatus.ShouldBe(WebSocketCloseStatus.NormalClosure);
    }

    [Fact]
    public async Task A_wrong_signature_gets_403_on_the_webhook_and_the_stream()
    {
        var form = new Dictionary<string, string> { ["CallSid"] = "CA123", ["From"] = "+15551230005", ["To"] = "+15550000000" };
        var url = CarrierSimulator.PublicBaseUrl + "/telephony/twilio/voice";

        using var bad = new HttpRequestMessage(HttpMethod.Post, "/telephony/twilio/voice") { Content = new FormUrlEncodedContent(form) };
        bad.Headers.Add("X-Twilio-Signature", CarrierSimulator.Sign("wrong-token", url, form));
        (await _host.Http.SendAsync(bad).WaitAsync(ServiceHost.Timeout)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        using var missing = new HttpRequestMessage(HttpMethod.Post, "/telephony/twilio/voice") { Content = new FormUrlEncodedContent(form) };
        (await _host.Http.SendAsync(missing).WaitAsync(ServiceHost.Timeout)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        using var good = new HttpRequestMessage(HttpMethod.Post, "/telephony/twilio/voice") { Content = new FormUrlEncodedContent(form) };
        good.Headers.Add("X-Twilio-Signature", CarrierSimulator.Sign(AuthToken, url, form));
        var ok = await _host.Http.SendAsync(good).WaitAsync(ServiceHost.Timeout);
        ok.StatusCode.ShouldBe(HttpStatusCode.OK);
        var twiml = await ok.Content.ReadAsStringAsync();
        twiml.ShouldContain("<Stream url=\"wss://voiceagent.test/telephony/twilio/stream\">");
        twiml.ShouldContain("<Parameter name=\"from\" value=\"+15551230005\"");
        twiml.ShouldContain("<Parameter name=\"callSid\" value=\"CA123\"");
        twiml.ShouldContain("<Parameter name=\"callToken\" value=\"");

        var refused = await Should.ThrowAsync<WebSocketException>(() => CarrierSimulator.ConnectAsync(_host, "twilio", signature: "AAAA"));
        refused.Message.ShouldContain("403");
    }

    [Fact]
    public async Task A_signed_stream_needs_its_own_call_token_once_so_a_replayed_upgrade_cannot_pick_a_callers_session()
    {
        // The upgrade's signature is right (it is the same for every call), but the call token is forged.
        await using (var forged = await CarrierSimulator.ConnectAsync(_host, "twilio", authToken: AuthToken))
        {
            await forged.StartAsync("+1 555 123 0009", "CA-forged", callToken: PhoneCallAuth.CallToken("not-the-auth-token", "CA-forged", "+1 555 123 0009", DateTimeOffset.UtcNow.AddMinutes(1)));
            await forged.WaitForCloseAsync();
            forged.CloseStatus.ShouldBe(WebSocketCloseStatus.PolicyViolation);
        }

        // A token issued for one call opens that call's stream once; used again, it is refused.
        var token = PhoneCallAuth.CallToken(AuthToken, "CA-once", "+1 555 123 0010", DateTimeOffset.UtcNow.AddMinutes(1));
        await using (var first = await CarrierSimulator.ConnectAsync(_host, "twilio", authToken: AuthToken))
        {
            await first.StartAsync("+1 555 123 0010", "CA-once", callToken: token);
            await first.SendMediaAsync(new byte[160]);
            await first.StopAsync();
            await first.WaitForCloseAsync();
            first.CloseStatus.ShouldBe(WebSocketCloseStatus.NormalClosure);
        }

        await using var replayed = await CarrierSimulator.ConnectAsync(_host, "twilio", authToken: AuthToken);
        await replayed.StartAsync("+1 555 123 0010", "CA-once", callToken: token);
        await replayed.WaitForCloseAsync();
        replayed.CloseStatus.ShouldBe(WebSocketCloseStatus.PolicyViolation);
    }

    internal static HashSet<string> Words(string text) =>
        [.. text.ToLowerInvariant().Split([' ', ',', '.', '?', '!', '\''], StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length > 3)];

    internal static async Task WaitForHistoryAsync(IConversationStore store, string session, int messages, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? CarrierSimulator.Patience);
        while (DateTime.UtcNow < until)
        {
            if (await store.GetAsync(session) is { } s && s.Messages.Count >= messages)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"session {session} did not reach {messages} messages");
    }
}
