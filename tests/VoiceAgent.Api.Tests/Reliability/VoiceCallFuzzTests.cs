using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using VoiceAgent.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace VoiceAgent.Api.Tests.Reliability;

/// <summary>
/// Fuzzes <c>/chat/voice_call</c> (§2) with 100 000 generated and mutated frames over 50 connections, 4 at a time: every
/// bad frame gets exactly one error frame with the code the protocol gives it, in order, good frames get none, the
/// call goes on to a normal close, nothing is logged as an error, and a real call works afterwards on the same host.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class VoiceCallFuzzTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const int Connections = 50;
    private const int FramesPerConnection = 2000;
    private const int Parallel = 4;

    // Unanswered bad frames allowed in flight: well under the server's 256-frame send queue, whose error frames are
    // dropped (not waited for) when it is full.
    private const int Window = 32;

    private readonly LogCapture _logs = new();
    private ServiceHost _host = null!;

    public async Task InitializeAsync() => _host = await ServiceHost.StartAsync(services: _logs.AddTo);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    // xunit calls this after DisposeAsync: the host has stopped logging by then.
    public void Dispose() => _logs.Dispose();

    [Fact]
    public async Task Every_bad_frame_gets_one_error_of_the_right_code_and_the_call_goes_on()
    {
        var kinds = new ConcurrentDictionary<string, int>();
        long frames = 0, errors = 0, expectedErrors = 0, binaryBack = 0;
        var clock = Stopwatch.StartNew();
        var next = -1;
        var workers = Enumerable.Range(0, Parallel).Select(_ => Task.Run(async () =>
        {
            int c;
            while ((c = Interlocked.Increment(ref next)) < Connections)
            {
                var (sent, expected, got, binary) = await FuzzOneCallAsync(c, kinds);
                Interlocked.Add(ref frames, sent);
                Interlocked.Add(ref expectedErrors, expected);
                Interlocked.Add(ref errors, got);
                Interlocked.Add(ref binaryBack, binary);
            }
        }));
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromMinutes(3));

        output.WriteLine($"voice-call fuzz: {frames} frames over {Connections} connections ({Parallel} in parallel) in {clock.Elapsed.TotalSeconds:F1} s");
        output.WriteLine($"error frames: {errors} received, {expectedErrors} expected; agent audio received: {binaryBack} bytes");
        output.WriteLine("frames by kind: " + string.Join(", ", kinds.OrderBy(k => k.Key).Select(k => $"{k.Key}={k.Value}")));
        frames.ShouldBeGreaterThanOrEqualTo(100_000);
        errors.ShouldBe(expectedErrors);
        _logs.Errors.ShouldBeEmpty(_logs.Describe());

        await AssertANormalCallWorksAsync();
    }

    /// <summary>Frames the fuzzer found mishandled: a lone surrogate escape killed the call, trailing content passed silently.</summary>
    [Theory]
    [InlineData("{\"meta_info\":{\"session_id\":\"\\ud800\"}}")]
    [InlineData("{\"meta_info\":{\"encoding\":\"\\ud83d\"},\"audio\":\"AAAA\"}")]
    [InlineData("{\"audio\":\"AA\\udfffAA\"}")]
    [InlineData("{} x")]
    [InlineData("{\"audio\":\"AAAA\"}{}")]
    public async Task Fuzz_findings_get_one_400_and_the_call_goes_on(string frame)
    {
        await using var call = await FuzzConnection.OpenAsync(_host, "finding");
        await call.SendAsync(Encoding.UTF8.GetBytes(frame), binary: false);
        await call.WaitForErrorsAsync(1, 0);
        await call.SendAsync(Encoding.UTF8.GetBytes("{\"meta_info\":{\"session_id\":\"finding\"},\"is_close\":true}"), binary: false);
        await call.WaitForCloseAsync(ServiceHost.Timeout);
        call.CloseStatus.ShouldBe(WebSocketCloseStatus.NormalClosure);
        call.Errors.ShouldHaveSingleItem().Code.ShouldBe(400);
        _logs.Errors.ShouldBeEmpty(_logs.Describe());
    }

    [Fact]
    public async Task Text_frames_that_are_not_utf8_fail_only_their_own_connection()
    {
        // RFC 6455 §8.1: a text message that is not UTF-8 fails the WebSocket connection (1007). The frame never reaches
        // the protocol, so it cannot get a §2 error frame; what matters is that only that call ends.
        var rng = new Random(7);
        for (var i = 0; i < 10; i++)
        {
            await using var c = await FuzzConnection.OpenAsync(_host, $"utf8-{i}");
            await c.SendAsync(Encoding.UTF8.GetBytes("{}"), binary: false);
            var bad = new byte[rng.Next(1, 50)];
            rng.NextBytes(bad);
            bad[rng.Next(bad.Length)] = 0xFF; // never valid in UTF-8
            await c.SendAsync(bad, binary: false);
            await c.WaitForCloseAsync(ServiceHost.Timeout);
            output.WriteLine($"invalid UTF-8 text frame {i}: closed {c.CloseStatus}");
            // ASP.NET Core's WebSocket sends 1007 and then fails the connection; now and then the TCP connection is gone
            // before the client has read that close frame (seen on a loaded machine). Either way only this call ends.
            c.CloseStatus.ShouldBeOneOf(WebSocketCloseStatus.InvalidPayloadData, null);
        }

        _logs.Errors.ShouldBeEmpty(_logs.Describe());
        await AssertANormalCallWorksAsync();
    }

    private async Task<(int Sent, int Expected, int Got, long Binary)> FuzzOneCallAsync(int index, ConcurrentDictionary<string, int> kinds)
    {
        var session = $"fuzz-{index}";
        var fuzzer = new FrameFuzzer(seed: 1000 + index, session);
        var expected = new List<(int Code, FuzzFrame Frame)>();
        await using var call = await FuzzConnection.OpenAsync(_host, session);
        var sent = 0;
        var recent = "";
        var ring = new Queue<string>();
        while (sent < FramesPerConnection)
        {
            var frame = fuzzer.Next();
            var verdict = frame.Binary ? JudgeBinary(frame.Data.Length) : FrameOracle.Judge(frame.Data, session);
            if (verdict.IsClose)
            {
                continue; // an accidental is_close would end the call early; the close comes last, on purpose
            }

            try
            {
                await call.SendAsync(frame.Data, frame.Binary);
            }
            catch (WebSocketException ex)
            {
                var why = $"call {index}: the server dropped the call after frame {sent} ({recent}); close {call.CloseStatus}; {call.ErrorCount} errors, {call.OtherFramesReceived} other frames; logged: {_logs.Describe(4)}";
                output.WriteLine(why);
                throw new ShouldAssertException($"call {index}: the server dropped the call after frame {sent} ({recent}); close {call.CloseStatus}; {call.ErrorCount} errors, {call.OtherFramesReceived} other frames; logged: {_logs.Describe(4)}", ex);
            }

            recent = $"{frame.Kind} {Preview(frame)}";
            ring.Enqueue($"#{sent} {frame.Kind} {verdict.ErrorCode} {Preview(frame)[..Math.Min(80, Preview(frame).Length)]}");
            if (ring.Count > 40)
            {
                ring.Dequeue();
            }

            sent++;
            kinds.AddOrUpdate(frame.Kind, 1, (_, n) => n + 1);
            if (verdict.ErrorCode is { } code)
            {
                expected.Add((code, frame));
                try
                {
                    await call.WaitForErrorsAsync(expected.Count, Window);
                }
                catch (TimeoutException)
                {
                    output.WriteLine($"call {index} stalled: close {call.CloseStatus} {call.CloseReason}; {call.ErrorCount}/{expected.Count} errors; other frames {call.OtherFramesReceived}; last frames:\n{string.Join("\n", ring)}\nlast errors:\n{string.Join("\n", call.Errors.TakeLast(5))}\nlogs: {_logs.Describe(4)}");
                    throw;
                }
            }
        }

        await call.SendAsync(Encoding.UTF8.GetBytes($"{{\"meta_info\":{{\"session_id\":\"{session}\"}},\"is_close\":true}}"), binary: false);
        await call.WaitForCloseAsync(ServiceHost.Timeout);
        call.CloseStatus.ShouldBe(WebSocketCloseStatus.NormalClosure, $"call {index} should end normally after is_close");

        var got = call.Errors;
        for (var i = 0; i < Math.Min(got.Count, expected.Count); i++)
        {
            if (got[i].Code != expected[i].Code)
            {
                var f = expected[i].Frame;
                throw new ShouldAssertException($"call {index}, error #{i}: got {got[i].Code} '{got[i].Message}', expected {expected[i].Code} for {f.Kind} frame {Preview(f)}");
            }
        }

        got.Count.ShouldBe(expected.Count, $"call {index}: error frames vs bad frames sent; last received: {(got.Count > 0 ? got[^1].Message : "none")}");
        return (sent, expected.Count, got.Count, call.BinaryBytesReceived);
    }

    /// <summary>Binary frames are raw PCM16 (§2 extension): over 1 s is 413, an odd length 400, anything else is audio.</summary>
    private static FrameOracle.Verdict JudgeBinary(int length) => length switch
    {
        > 32_000 => new(413, false),
        _ when length % 2 == 1 => new(400, false),
        _ => new(null, false),
    };

    private static string Preview(FuzzFrame f) =>
        f.Binary ? $"binary[{f.Data.Length}]" : Encoding.UTF8.GetString(f.Data, 0, Math.Min(f.Data.Length, 160));

    private async Task AssertANormalCallWorksAsync()
    {
        await using var call = await VoiceCallClient.ConnectAsync(_host);
        await call.StreamAsync($"after-fuzz-{Guid.NewGuid():N}", ReliabilityAudio.Question, pace: false);
        var end = await call.WaitForAsync("turn_end");
        end.Json!.Value.GetProperty("turn_id").GetInt64().ShouldBeGreaterThan(0);
        call.Json("text").ShouldNotBeEmpty();
    }
}
