using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Pipeline.Sessions;
using Xunit.Abstractions;

namespace VoiceAgent.Api.Tests.Reliability;

/// <summary>
/// Connection churn: calls that connect, send a question fast and vanish (abort, no close) at a random point, some in the
/// middle of the agent's reply. Afterwards no session is left, and memory and file descriptors are back near baseline.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class ConnectionChurnTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    // The instant engines answer behind the real WebRTC VAD, so each cycle exercises the whole call path (admission,
    // pipeline, turn, reply, teardown) without spending the time in PocketSphinx and eSpeak.
    private const int Cycles = 10_000;
    private const int Workers = 20;

    private readonly LogCapture _logs = new();
    private ServiceHost _host = null!;

    public async Task InitializeAsync() => _host = await ServiceHost.StartAsync(
        new Dictionary<string, string?>
        {
            ["VoiceAgent:Asr:Provider"] = "Instant",
            ["VoiceAgent:Llm:Provider"] = "Instant",
            ["VoiceAgent:Tts:Provider"] = "Instant",
            ["VoiceAgent:Limits:ConcurrentCallsPerKey"] = "0",
            ["VoiceAgent:Limits:RequestsPerMinutePerKey"] = "0",
        },
        _logs.AddTo);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    // xunit calls this after DisposeAsync: the host has stopped logging by then.
    public void Dispose() => _logs.Dispose();

    [Fact]
    public async Task Dropped_calls_leave_no_session_memory_or_handles_behind()
    {
        var question = TestAudio.FlitePcm("hello there", silenceMs: 700);
        var chunks = Enumerable.Range(0, (question.Length + 3199) / 3200).Select(i => question.AsSpan(i * 3200, Math.Min(3200, question.Length - i * 3200)).ToArray()).ToArray();
        var supervisor = _host.Service<SessionSupervisor>();

        // Warm up (JIT, pools, engines) before the baseline.
        for (var i = 0; i < Workers; i++)
        {
            await CycleAsync(new Random(i), chunks, $"warm-{i}", midReply: true);
        }

        await WaitForNoSessionsAsync(supervisor);
        var (memoryBefore, fdsBefore) = Measure();

        var clock = Stopwatch.StartNew();
        var next = -1;
        var midReply = 0;
        var workers = Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            var rng = new Random(100 + w);
            int n;
            while ((n = Interlocked.Increment(ref next)) < Cycles)
            {
                var mid = rng.Next(4) == 0;
                if (mid)
                {
                    Interlocked.Increment(ref midReply);
                }

                await CycleAsync(rng, chunks, $"churn-{n}", mid);
            }
        }));
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromMinutes(6));
        var churnTime = clock.Elapsed;

        var drained = await WaitForNoSessionsAsync(supervisor);
        var (memoryAfter, fdsAfter) = Measure();
        output.WriteLine($"churn: {Cycles} connect/send/abort cycles ({midReply} dropped mid-reply) by {Workers} workers in {churnTime.TotalSeconds:F1} s; sessions back to 0 in {drained.TotalMilliseconds:F0} ms");
        output.WriteLine($"managed memory: {memoryBefore / 1024 / 1024.0:F1} MB before, {memoryAfter / 1024 / 1024.0:F1} MB after; file descriptors: {fdsBefore} before, {fdsAfter} after");
        supervisor.ActiveSessions.ShouldBe(0);
        fdsAfter.ShouldBeLessThan(fdsBefore + 50);
        memoryAfter.ShouldBeLessThan(memoryBefore + 64L * 1024 * 1024);
        _logs.Errors.ShouldBeEmpty(_logs.Describe());

        // The host still takes a whole call.
        await using var call = await VoiceCallClient.ConnectAsync(_host);
        await call.StreamAsync("after-churn", question, pace: false);
        await call.WaitForAsync("turn_end");
    }

    /// <summary>Connect, send part or all of a question as fast as possible, and drop the socket without a close handshake.</summary>
    private async Task CycleAsync(Random rng, byte[][] chunks, string session, bool midReply)
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer test-key");
        using var timeout = new CancellationTokenSource(ServiceHost.Timeout);
        await socket.ConnectAsync(_host.WebSocketUri("/chat/voice_call"), timeout.Token);
        var send = midReply ? chunks.Length : rng.Next(0, chunks.Length + 1);
        for (var i = 0; i < send; i++)
        {
            var frame = $"{{\"audio\":\"{Convert.ToBase64String(chunks[i])}\",\"meta_info\":{{\"session_id\":\"{session}\",\"encoding\":\"raw\"}}}}";
            await socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, true, timeout.Token);
        }

        if (midReply)
        {
            // Read until the agent's first audio (or a short while), then vanish in the middle of its reply.
            var buffer = new byte[64 * 1024];
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            wait.CancelAfter(TimeSpan.FromSeconds(10));
            try
            {
                while ((await socket.ReceiveAsync(buffer.AsMemory(), wait.Token)).MessageType != WebSocketMessageType.Binary)
                {
                }
            }
            catch (OperationCanceledException) when (!timeout.IsCancellationRequested)
            {
            }
        }

        socket.Abort();
    }

    private static async Task<TimeSpan> WaitForNoSessionsAsync(SessionSupervisor supervisor)
    {
        var clock = Stopwatch.StartNew();
        while (supervisor.ActiveSessions > 0 && clock.Elapsed < ServiceHost.Timeout)
        {
            await Task.Delay(50);
        }

        supervisor.ActiveSessions.ShouldBe(0, "sessions still open after the clients dropped them");
        return clock.Elapsed;
    }

    private static (long Memory, int Fds) Measure()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        // The heap size the last full collection left (GC.GetTotalMemory misreported small heaps here, even below zero).
        return (GC.GetGCMemoryInfo(GCKind.FullBlocking).HeapSizeBytes, Directory.GetFileSystemEntries("/proc/self/fd").Length);
    }
}
