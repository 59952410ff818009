using System.Net;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Api.Tests.Tools;
using VoiceAgent.Providers.Tests.OpenAI;

namespace VoiceAgent.Api.Tests.Observability;

/// <summary>A voice-call turn's trace, exported by OTLP/HTTP to a receiver on 127.0.0.1, as the standard OTEL_* settings ask.</summary>
/// <remarks>
/// Alone, after the parallel tests: the exporter listens to the process-wide ActivitySource, so turns of other hosts
/// running at the same time (SSE replies, turn id 1, no session) were exported with its own and counted as extra turns.
/// </remarks>
[Collection(VoiceAgent.Api.Tests.Reliability.ReliabilityCollection.Name)]
public sealed class TurnTraceTests
{
    [Fact]
    public async Task A_voice_turn_is_one_trace_with_a_span_per_stage_and_the_tool_call_under_the_llm()
    {
        await using var receiver = FakeOpenAIServer.Start();
        receiver.DefaultHandler = Accept;
        await using var s = await ToolScenario.StartAsync(settings: new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{receiver.Port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "voiceagent-trace-test",
            // Export each batch soon after its spans end, not after the default 5 s.
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        });
        await using (var call = await VoiceCallClient.ConnectAsync(s.Host))
        {
            await call.StreamAsync("otel-voice", TestAudio.FlitePcm("what is the weather in paris", silenceMs: 1200), pace: false);
            await call.WaitForAsync("turn_end");
        }

        // The turn's root span ends just after turn_end is written; its batch follows within the schedule delay.
        var spans = await WaitForAsync(receiver, all => all.Any(x => x.Name == "turn" && x.Attributes.GetValueOrDefault("voiceagent.session.id") == "otel-voice"));

        var turns = spans.Where(x => x.Name == "turn" && x.Attributes.GetValueOrDefault("voiceagent.session.id") == "otel-voice").ToList();
        turns.Count.ShouldBe(1, $"turns: {string.Join("; ", turns.Select(t => string.Join(",", t.Attributes.Select(a => a.Key + "=" + a.Value))))}");
        var root = turns[0];
        root.ParentSpanId.ShouldBeEmpty();
        root.Scope.ShouldBe("VoiceAgent.Turns");
        var trace = spans.Where(x => x.TraceId == root.TraceId).ToList();
        OtlpSpan Child(string name) => trace.Single(x => x.Name == name && x.ParentSpanId == root.SpanId);
        Child("vad.end_of_turn").Attributes.Keys.ShouldContain("voiceagent.vad.wait_ms");
        Child("asr.final");
        Child("tts.first_audio");
        var llm = Child("llm");

        // M.E.AI's spans (the chat calls, the tool's execution) are in the same trace, under the turn's llm span.
        bool Under(OtlpSpan span, OtlpSpan ancestor)
        {
            for (var p = span; p is not null; p = trace.FirstOrDefault(x => x.SpanId == p.ParentSpanId))
            {
                if (p.ParentSpanId == ancestor.SpanId)
                {
                    return true;
                }
            }

            return false;
        }

        var chats = trace.Where(x => x.Scope == "VoiceAgent.Llm" && x.Name.StartsWith("chat", StringComparison.Ordinal)).ToList();
        chats.Count.ShouldBe(2); // the call, then the answer with the tool's result
        chats.Where(c => !Under(c, llm)).ShouldBeEmpty();
        var tool = trace.Single(x => x.Name == "execute_tool " + s.ToolName);
        Under(tool, llm).ShouldBeTrue();

        // Every span of the call went to the one trace of its turn. The process's other hosts (tests running beside this one)
        // trace their own turns through the same ActivitySource names, so only this session's roots and this scenario's
        // uniquely named tool are counted; the start-up warm-up's chat call runs no tool.
        spans.Where(x => x.Name == "turn" && x.Attributes.GetValueOrDefault("voiceagent.session.id") == "otel-voice")
            .Select(x => x.TraceId).Distinct().ShouldBe([root.TraceId], Describe(spans));
        spans.Where(x => x.TraceId != root.TraceId && x.Name == "execute_tool " + s.ToolName).ShouldBeEmpty(Describe(spans));
    }

    private static string Describe(List<OtlpSpan> spans) => string.Join("\n", spans.Select(x =>
        $"{x.TraceId[..8]} {x.SpanId[..8]}<{(x.ParentSpanId.Length > 0 ? x.ParentSpanId[..8] : "root")} {x.Scope} {x.Name} {string.Join(",", x.Attributes.Select(a => a.Key + "=" + a.Value))}"));

    private static async Task Accept(HttpListenerContext ctx, RecordedRequest request)
    {
        // An empty ExportTraceServiceResponse (or metrics response): everything was accepted.
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/x-protobuf";
        ctx.Response.ContentLength64 = 0;
        await ctx.Response.OutputStream.FlushAsync();
        ctx.Response.Close();
    }

    private static async Task<List<OtlpSpan>> WaitForAsync(FakeOpenAIServer receiver, Func<List<OtlpSpan>, bool> done)
    {
        using var timeout = new CancellationTokenSource(ServiceHost.Timeout);
        while (true)
        {
            var spans = receiver.Requests.Where(r => r.Path.EndsWith("/v1/traces", StringComparison.Ordinal)).SelectMany(r => OtlpSpans.Decode(r.Body)).ToList();
            if (done(spans))
            {
                return spans;
            }

            timeout.IsCancellationRequested.ShouldBeFalse($"No turn trace arrived; spans so far: {string.Join(", ", spans.Select(x => x.Name))}");
            await Task.Delay(50, CancellationToken.None);
        }
    }
}
