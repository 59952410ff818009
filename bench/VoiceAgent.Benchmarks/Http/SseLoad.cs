using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace VoiceAgent.Benchmarks.Http;

/// <summary>
/// An SSE load client for <c>/audio/chat/completions</c>-style endpoints: posts one body N times with C concurrent
/// clients to each target, interleaving the targets round by round so they share the machine's state fairly, and reports
/// time to first audio (the first event whose <c>delta.audio.data</c> is non-empty) and completed streams per second.
/// A stream counts only if it answered 200, carried audio, and ended with <c>data: [DONE]</c> as its last event.
/// </summary>
/// <remarks>
/// Usage: <c>sse-load --body FILE [--n 400] [--c 32] [--rounds 4] [--warmup 20] [--max-seconds 120] name=URL [name=URL ...]</c>.
/// N is per target (split evenly over the rounds). The whole run is bounded by --max-seconds; targets cut short say so.
/// </remarks>
public static class SseLoad
{
    private static readonly byte[] DataPrefix = "data:"u8.ToArray();
    private static readonly byte[] AudioDataKey = "\"data\":"u8.ToArray();

    public static async Task<int> RunAsync(string[] args)
    {
        string? bodyFile = null;
        int n = 400, c = 32, rounds = 4, warmup = 20, maxSeconds = 120;
        var targets = new List<Target>();
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--body": bodyFile = args[++i]; break;
                case "--n": n = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--c": c = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--max-seconds": maxSeconds = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                default:
                    var eq = args[i].IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0)
                    {
                        await Console.Error.WriteLineAsync($"unknown argument {args[i]}");
                        return 2;
                    }

                    targets.Add(new Target(args[i][..eq], new Uri(args[i][(eq + 1)..])));
                    break;
            }
        }

        if (bodyFile is null || targets.Count == 0)
        {
            await Console.Error.WriteLineAsync("usage: sse-load --body FILE [--n N] [--c C] [--rounds R] [--warmup W] [--max-seconds S] name=URL [name=URL ...]");
            return 2;
        }

        var body = await File.ReadAllBytesAsync(bodyFile);
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(c * 2, 16),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(maxSeconds));

        var loadBefore = Percentiles.LoadAverage();
        Console.WriteLine($"sse-load: {targets.Count} target(s), n={n} per target in {rounds} interleaved rounds, c={c}, warm-up {warmup} each, bound {maxSeconds} s; load average before: {loadBefore}");
        foreach (var t in targets)
        {
            await RunBatchAsync(http, t, body, warmup, Math.Min(c, Math.Max(warmup, 1)), record: false, deadline.Token);
        }

        var perRound = Math.Max(1, n / rounds);
        for (var r = 0; r < rounds && !deadline.IsCancellationRequested; r++)
        {
            // Rotate the order each round so no target always runs first (after a quiet pause) or last.
            for (var k = 0; k < targets.Count && !deadline.IsCancellationRequested; k++)
            {
                await RunBatchAsync(http, targets[(r + k) % targets.Count], body, perRound, c, record: true, deadline.Token);
            }
        }

        var loadAfter = Percentiles.LoadAverage();
        Console.WriteLine();
        Console.WriteLine($"| target | clients | streams ok | failed | TTFA p50 ms | TTFA p95 ms | TTFA p99 ms | streams/s | vs {targets[0].Name} | KB per stream |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        var baseRate = targets[0].Rate;
        foreach (var t in targets)
        {
            var s = Percentiles.Sorted(t.Ttfa);
            Console.WriteLine($"| {t.Name} | {c} | {t.Ok} | {t.Failed} | {Percentiles.F(Percentiles.Of(s, 50), 2)} | {Percentiles.F(Percentiles.Of(s, 95), 2)} | {Percentiles.F(Percentiles.Of(s, 99), 2)} | {Percentiles.F(t.Rate, 0)} | {Percentiles.F(t.Rate / baseRate, 2)}× | {Percentiles.F(t.Ok == 0 ? 0 : t.Bytes / 1024.0 / t.Ok)} |");
        }

        Console.WriteLine();
        Console.WriteLine($"load average before {loadBefore}, after {loadAfter}{(deadline.IsCancellationRequested ? "; the time bound cut the run short" : "")}");
        foreach (var t in targets.Where(t => t.FirstError is not null))
        {
            Console.WriteLine($"{t.Name}: first failure: {t.FirstError}");
        }

        return targets.Any(t => t.Ok == 0) ? 1 : 0;
    }

    private static async Task RunBatchAsync(HttpClient http, Target target, byte[] body, int count, int concurrency, bool record, CancellationToken ct)
    {
        var next = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, Math.Min(concurrency, count)).Select(_ => Task.Run(async () =>
        {
            var buffer = new byte[64 * 1024];
            while (Interlocked.Increment(ref next) <= count && !ct.IsCancellationRequested)
            {
                var result = await OneStreamAsync(http, target.Url, body, buffer, ct);
                if (record)
                {
                    target.Record(result);
                }
            }
        }, CancellationToken.None)).ToArray();
        await Task.WhenAll(workers);
        if (record)
        {
            target.AddTime(clock.Elapsed);
        }
    }

    private static async Task<Result> OneStreamAsync(HttpClient http, Uri url, byte[] body, byte[] buffer, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "bench");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return Result.Fail($"HTTP {(int)response.StatusCode}");
            }

            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            double? ttfa = null;
            var sawDone = false;
            var eventsAfterDone = 0;
            var filled = 0;
            long bytes = 0;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    return Result.Fail("an SSE line longer than 64 KB");
                }

                var read = await stream.ReadAsync(buffer.AsMemory(filled), ct);
                if (read == 0)
                {
                    break;
                }

                filled += read;
                bytes += read;
                var consumed = 0;
                int nl;
                while ((nl = buffer.AsSpan(consumed, filled - consumed).IndexOf((byte)'\n')) >= 0)
                {
                    var line = buffer.AsSpan(consumed, nl);
                    consumed += nl + 1;
                    if (!line.StartsWith(DataPrefix))
                    {
                        continue;
                    }

                    var payload = line[DataPrefix.Length..].Trim((byte)' ').TrimEnd((byte)'\r');
                    if (sawDone)
                    {
                        eventsAfterDone++;
                    }
                    else if (payload.SequenceEqual("[DONE]"u8))
                    {
                        sawDone = true;
                    }
                    else if (ttfa is null && HasAudioData(payload))
                    {
                        ttfa = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    }
                }

                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
            }

            return !sawDone || eventsAfterDone > 0 ? Result.Fail("the stream did not end with data: [DONE]")
                : ttfa is null ? Result.Fail("no audio data in the stream")
                : new Result(ttfa, null, bytes);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException or OperationCanceledException)
        {
            return Result.Fail(ex.GetType().Name + ": " + ex.Message);
        }
    }

    /// <summary>True when the event carries <c>"data":"X…</c> (non-empty; JSON with or without a space after the colon).</summary>
    private static bool HasAudioData(ReadOnlySpan<byte> json)
    {
        while (true)
        {
            var at = json.IndexOf(AudioDataKey);
            if (at < 0)
            {
                return false;
            }

            json = json[(at + AudioDataKey.Length)..].TrimStart((byte)' ');
            if (json.Length >= 2 && json[0] == (byte)'"' && json[1] != (byte)'"')
            {
                return true;
            }
        }
    }

    private sealed record Result(double? Ttfa, string? Error, long Bytes = 0)
    {
        public static Result Fail(string error) => new(null, error);
    }

    private sealed class Target(string name, Uri url)
    {
        private readonly object _gate = new();
        private TimeSpan _time;

        public string Name { get; } = name;

        public Uri Url { get; } = url;

        public List<double> Ttfa { get; } = [];

        public int Ok { get; private set; }

        public int Failed { get; private set; }

        public long Bytes { get; private set; }

        public string? FirstError { get; private set; }

        public double Rate => _time > TimeSpan.Zero ? Ok / _time.TotalSeconds : 0;

        public void Record(Result r)
        {
            lock (_gate)
            {
                if (r.Error is null)
                {
                    Ok++;
                    Bytes += r.Bytes;
                    Ttfa.Add(r.Ttfa!.Value);
                }
                else
                {
                    Failed++;
                    FirstError ??= r.Error;
                }
            }
        }

        public void AddTime(TimeSpan t) => _time += t;
    }
}
