using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Api.Hosting;

namespace VoiceAgent.Benchmarks.VoiceCall;

/// <summary>
/// Server memory per voice call. The real service runs in this process (Kestrel on 127.0.0.1, embedded engines, memory
/// store); the calls are made by a child process (<c>memory-clients</c>), so their sockets and buffers are not counted.
/// Measures the managed heap (<see cref="GC.GetTotalMemory(bool)"/> after forced, compacting collections) and VmRSS
/// at: baseline (after 10 warm-up calls came and went), N idle calls open (session frame received), and M of them
/// active mid-turn (each has streamed 2 s of a flite question at real-time pace; VAD in speech, ASR decoding).
/// </summary>
/// <remarks>Usage: <c>memory [--idle 200] [--active 50]</c>.</remarks>
public static class CallMemory
{
    public static async Task<int> RunAsync(string[] args)
    {
        int idle = 200, active = 50;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--idle": idle = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--active": active = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
            }
        }

        string[] hostArgs =
        [
            "--urls", "http://127.0.0.1:0", "--VoiceAgent:Store:Provider=Memory", "--Logging:LogLevel:Default=Warning",
            "--VoiceAgent:Limits:RequestsPerMinutePerKey=0", "--VoiceAgent:Limits:ConcurrentCallsPerKey=0",
        ];
        var app = VoiceAgentApp.Build(hostArgs);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var ws = "ws" + address["http".Length..] + "/chat/voice_call";
        var loadBefore = Percentiles.LoadAverage();

        var self = Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal)
            ? new ProcessStartInfo("dotnet", [typeof(CallMemory).Assembly.Location, "memory-clients", ws, idle.ToString(CultureInfo.InvariantCulture), active.ToString(CultureInfo.InvariantCulture)])
            : new ProcessStartInfo(Environment.ProcessPath, ["memory-clients", ws, idle.ToString(CultureInfo.InvariantCulture), active.ToString(CultureInfo.InvariantCulture)]);
        self.RedirectStandardInput = true;
        self.RedirectStandardOutput = true;
        using var child = Process.Start(self)!;
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await ExpectAsync(child, "warm", bound.Token);
            var (heap0, rss0) = Measure();
            await child.StandardInput.WriteLineAsync("idle");
            await ExpectAsync(child, "idle", bound.Token);
            var (heap1, rss1) = Measure();
            await child.StandardInput.WriteLineAsync("active");
            await ExpectAsync(child, "active", bound.Token);
            var (heap2, rss2) = Measure();
            await child.StandardInput.WriteLineAsync("quit");
            await child.WaitForExitAsync(bound.Token);

            Console.WriteLine($"memory: in-process service, calls from a child process; load average before {loadBefore}, after {Percentiles.LoadAverage()}");
            Console.WriteLine("| state | managed heap MB | VmRSS MB | managed per call KB | RSS per call KB |");
            Console.WriteLine("|---|---|---|---|---|");
            Console.WriteLine($"| baseline (0 calls, warmed) | {Mb(heap0)} | {Mb(rss0)} | | |");
            Console.WriteLine($"| {idle} idle calls | {Mb(heap1)} | {Mb(rss1)} | {Kb((heap1 - heap0) / idle)} | {Kb((rss1 - rss0) / idle)} |");
            Console.WriteLine($"| + {active} of them active mid-turn: increment per active call | {Mb(heap2)} | {Mb(rss2)} | {Kb((heap2 - heap1) / active)} | {Kb((rss2 - rss1) / active)} |");
            Console.WriteLine($"| per active call (idle cost + increment) | | | {Kb(((heap1 - heap0) / idle) + ((heap2 - heap1) / active))} | {Kb(((rss1 - rss0) / idle) + ((rss2 - rss1) / active))} |");
            return 0;
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill();
            }

            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await app.StopAsync(stopping.Token);
            await app.DisposeAsync();
        }
    }

    /// <summary>The child: opens the calls and drives them as the parent says, one step per line on stdin.</summary>
    public static async Task<int> ClientsAsync(string[] args)
    {
        var url = new Uri(args[1]);
        var idle = int.Parse(args[2], CultureInfo.InvariantCulture);
        var active = int.Parse(args[3], CultureInfo.InvariantCulture);
        var question = await Speech.FliteAsync("please tell me what the weather will be like tomorrow morning in the city of london", default);

        var warm = await OpenAsync(url, 10, "warm");
        foreach (var c in warm)
        {
            await c.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "warm-up done", CancellationToken.None);
            c.Socket.Dispose();
        }

        await Task.Delay(1000);
        Console.WriteLine("warm");
        await Console.In.ReadLineAsync();
        var calls = await OpenAsync(url, idle, "idle");
        await Task.Delay(500);
        Console.WriteLine("idle");
        await Console.In.ReadLineAsync();

        // 2 s of the question at real-time pace, in 20 ms frames, to each of the active calls together.
        var clock = Stopwatch.StartNew();
        for (var k = 0; k < 100; k++)
        {
            var due = TimeSpan.FromMilliseconds(k * 20);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            var frame = Encoding.UTF8.GetBytes($"{{\"audio\":\"{Convert.ToBase64String(question.AsSpan(k * 640, 640))}\"}}");
            await Task.WhenAll(calls.Take(active).Select(c => c.Socket.SendAsync(frame, WebSocketMessageType.Text, true, CancellationToken.None)));
        }

        Console.WriteLine("active");
        await Console.In.ReadLineAsync();
        foreach (var c in calls)
        {
            c.Socket.Abort();
            c.Socket.Dispose();
        }

        return 0;
    }

    private static async Task<List<Call>> OpenAsync(Uri url, int count, string prefix)
    {
        var calls = new List<Call>();
        for (var i = 0; i < count; i++)
        {
            var socket = new ClientWebSocket();
            socket.Options.SetRequestHeader("Authorization", "Bearer bench");
            await socket.ConnectAsync(url, CancellationToken.None);
            var id = $"mem-{prefix}-{i}-{Guid.NewGuid():N}";
            await socket.SendAsync(Encoding.UTF8.GetBytes($"{{\"meta_info\":{{\"session_id\":\"{id}\",\"encoding\":\"raw\"}}}}"), WebSocketMessageType.Text, true, CancellationToken.None);
            var buffer = new byte[4096];
            var r = await socket.ReceiveAsync(buffer, CancellationToken.None); // the session frame
            if (!Encoding.UTF8.GetString(buffer, 0, r.Count).Contains("\"session\"", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("expected the session frame, got " + Encoding.UTF8.GetString(buffer, 0, r.Count));
            }

            var call = new Call(socket);
            _ = Task.Run(() => DrainAsync(socket)); // read whatever the server sends, so its queue never fills
            calls.Add(call);
        }

        return calls;
    }

    private static async Task DrainAsync(ClientWebSocket socket)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                await socket.ReceiveAsync(buffer, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    private static async Task ExpectAsync(Process child, string line, CancellationToken ct)
    {
        while (await child.StandardOutput.ReadLineAsync(ct) is { } got)
        {
            if (got == line)
            {
                return;
            }

            Console.WriteLine("clients: " + got);
        }

        throw new InvalidOperationException($"the client process ended before '{line}'");
    }

    private static (long Heap, long Rss) Measure()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return (GC.GetTotalMemory(forceFullCollection: true), VmRss());
    }

    private static long VmRss()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    private static string Mb(long bytes) => Percentiles.F(bytes / 1048576.0);

    private static string Kb(long bytes) => Percentiles.F(bytes / 1024.0);

    private sealed record Call(ClientWebSocket Socket);
}
