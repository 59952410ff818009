using System.Diagnostics;
using System.Net.WebSockets;
using VoiceAgent.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace VoiceAgent.Api.Tests.Reliability;

/// <summary>
/// The LLM is a remote OpenAI-compatible server that goes away (refused, or hanging) in the middle of a call: the caller
/// hears the failure message, the call stays up, and once the server is back the next turn is answered by it again.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class EngineOutageTests(ITestOutputHelper output)
{
    private const string FailureMessage = "Sorry, I'm having trouble answering right now.";

    [Theory]
    [InlineData("refused")]
    [InlineData("hanging")]
    public async Task The_caller_hears_the_failure_message_and_the_next_turn_after_recovery_is_answered(string outage)
    {
        await using var llm = ControllableLlmServer.Start();
        var logs = new LogCapture();
        await using var host = await ServiceHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["VoiceAgent:Llm:Provider"] = "OpenAI",
                ["VoiceAgent:Llm:OpenAI:BaseUrl"] = llm.BaseUrl,
                ["VoiceAgent:Llm:OpenAI:Model"] = "fake",
                ["VoiceAgent:Llm:OpenAI:Timeout"] = "00:00:01",
                ["VoiceAgent:Llm:OpenAI:MaxRetries"] = "0",
            },
            logs.AddTo);
        await using var call = await VoiceCallClient.ConnectAsync(host);
        var session = $"outage-{outage}";
        var question = TestAudio.FlitePcm("what is twelve times seven");
        // Longer than the turn detector's longest wait (MaxEndSilenceMs, 2 s): sent unpaced, the recogniser's partial at the
        // pause may still end on an open word ("twelve times …"), and no more audio follows to end the turn.
        var silence = new byte[32 * 2500];

        // 1. Up: the remote model answers.
        var first = await AskAsync(call, session, question, silence, after: 0);
        first.Texts.ShouldContain(t => t.Contains("upstream", StringComparison.Ordinal));

        // 2. Down: the failure message is spoken, the call goes on.
        if (outage == "refused")
        {
            await llm.DownAsync();
        }
        else
        {
            llm.Hang();
        }

        var failed = await AskAsync(call, session, question, silence, after: first.TurnId);
        failed.Texts.ShouldContain(FailureMessage);
        output.WriteLine($"{outage}: end of speech → failure message text frame in {failed.ToFirstText.TotalMilliseconds:F0} ms (engine timeout 1 s, no retries)");
        failed.ToFirstText.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        call.Socket.State.ShouldBe(WebSocketState.Open);
        lock (call.All)
        {
            var spoken = call.All.FindIndex(r => r.Json is { } j && j.GetProperty("type").GetString() == "text" && j.GetProperty("msg").GetString() == FailureMessage);
            call.All[spoken + 1].Binary.ShouldNotBeNull("the failure message is spoken, not only shown");
        }

        // 3. Back: the next turn is answered by the remote model again.
        llm.Up();
        var third = await AskAsync(call, session, question, silence, after: failed.TurnId);
        third.Texts.ShouldContain(t => t.Contains("upstream", StringComparison.Ordinal));
        call.Socket.State.ShouldBe(WebSocketState.Open);
        logs.Errors.ShouldBeEmpty(logs.Describe());
    }

    /// <summary>Speaks a question, then silence; returns the turn's sentences and the time from end of speech to the first one.</summary>
    private static async Task<(long TurnId, List<string> Texts, TimeSpan ToFirstText)> AskAsync(VoiceCallClient call, string session, byte[] speech, byte[] silence, long after)
    {
        await call.StreamAsync(session, speech, pace: false);
        var endOfSpeech = Stopwatch.StartNew();
        await call.StreamAsync(session, silence, pace: false);
        var firstText = await call.WaitForAsync("text", j => j.GetProperty("turn_id").GetInt64() > after);
        var toFirstText = endOfSpeech.Elapsed;
        var turn = firstText.Json!.Value.GetProperty("turn_id").GetInt64();
        await call.WaitForAsync("turn_end", j => j.GetProperty("turn_id").GetInt64() == turn);
        var texts = call.Json("text").Where(j => j.GetProperty("turn_id").GetInt64() == turn).Select(j => j.GetProperty("msg").GetString()!).ToList();
        return (turn, texts, toFirstText);
    }
}
