using System.Net;
using System.Net.WebSockets;
using VoiceAgent.Api.Tests.Infrastructure;

namespace VoiceAgent.Api.Tests.Telephony;

/// <summary>The phone endpoints' limits and start-up checks, on the real host.</summary>
public sealed class TelephonyHardeningTests
{
    [Fact]
    public async Task A_webhook_body_over_the_limit_is_refused_before_it_is_read()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?>
        {
            ["VoiceAgent:Telephony:Twilio:AuthToken"] = TwilioCallTests.AuthToken,
            ["VoiceAgent:Telephony:PublicBaseUrl"] = CarrierSimulator.PublicBaseUrl,
        });
        var form = new Dictionary<string, string> { ["CallSid"] = "CA-big", ["From"] = "+15551230100", ["Padding"] = new string('x', 200_000) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/telephony/twilio/voice") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", CarrierSimulator.Sign(TwilioCallTests.AuthToken, CarrierSimulator.PublicBaseUrl + "/telephony/twilio/voice", form));
        var response = await host.Http.SendAsync(request).WaitAsync(ServiceHost.Timeout);
        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task In_production_twilio_signatures_need_the_public_base_url_rather_than_the_callers_host_header()
    {
        var failed = await Should.ThrowAsync<ArgumentException>(() => ServiceHost.StartAsync(new Dictionary<string, string?>
        {
            ["environment"] = "Production",
            ["VoiceAgent:Telephony:Twilio:AuthToken"] = TwilioCallTests.AuthToken,
        }));
        failed.Message.ShouldContain("PublicBaseUrl");
    }

    [Fact]
    public async Task Signed_twilio_streams_spend_their_accounts_budget_and_leave_other_keyless_requests_theirs()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?>
        {
            ["VoiceAgent:Telephony:Twilio:AuthToken"] = TwilioCallTests.AuthToken,
            ["VoiceAgent:Telephony:PublicBaseUrl"] = CarrierSimulator.PublicBaseUrl,
            ["VoiceAgent:Limits:ConcurrentCallsPerKey"] = "1",
        });
        await using var first = await CarrierSimulator.ConnectAsync(host, "twilio", authToken: TwilioCallTests.AuthToken);
        await first.ConnectedAsync();
        await first.StartAsync("+1 555 123 0101", "CA-budget-1");

        // The account's one call is in progress: a second signed stream is over its budget.
        var refused = await Should.ThrowAsync<WebSocketException>(() => CarrierSimulator.ConnectAsync(host, "twilio", authToken: TwilioCallTests.AuthToken));
        refused.Message.ShouldContain("429");

        // The webhook for another call is not held up by it (all keyless requests once shared one bucket).
        var form = new Dictionary<string, string> { ["CallSid"] = "CA-budget-2", ["From"] = "+15551230102" };
        using var webhook = new HttpRequestMessage(HttpMethod.Post, "/telephony/twilio/voice") { Content = new FormUrlEncodedContent(form) };
        webhook.Headers.Add("X-Twilio-Signature", CarrierSimulator.Sign(TwilioCallTests.AuthToken, CarrierSimulator.PublicBaseUrl + "/telephony/twilio/voice", form));
        (await host.Http.SendAsync(webhook).WaitAsync(ServiceHost.Timeout)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
