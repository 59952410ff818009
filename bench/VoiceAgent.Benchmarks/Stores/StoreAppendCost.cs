using System.Diagnostics;
using System.Globalization;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Providers.Stores.Postgres;
using VoiceAgent.Providers.Stores.Sqlite;

namespace VoiceAgent.Benchmarks.Stores;

/// <summary>
/// Measures what a turn's end waits for: one <see cref="IConversationStore.AppendTurnAsync"/> (it must be durable before
/// turn_end is sent), one after another and with writers in parallel, on SQLite with synchronous FULL and NORMAL and on
/// PostgreSQL when <c>VOICEAGENT_BENCH_POSTGRES</c> is set. Also a history read. A console mode rather than
/// BenchmarkDotNet, because the cost is dominated by fsync and its spread matters more than its mean.
/// </summary>
public static class StoreAppendCost
{
    private const int Writers = 16;

    public static async Task RunAsync(int appends, string folder, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(folder);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{appends} appends per configuration; SQLite files in {Path.GetFullPath(folder)}"));
        foreach (var full in new[] { true, false })
        {
            var path = Path.Combine(folder, $"bench-{Guid.NewGuid():N}.db");
            try
            {
                using var store = new SqliteConversationStore(new SqliteStoreOptions { Path = path, DurableOnPowerLoss = full });
                await MeasureAsync($"SQLite WAL synchronous={(full ? "FULL" : "NORMAL")}", store, appends, cancellationToken);
            }
            finally
            {
                foreach (var file in Directory.GetFiles(folder, Path.GetFileName(path) + "*"))
                {
                    File.Delete(file);
                }
            }
        }

        if (Environment.GetEnvironmentVariable("VOICEAGENT_BENCH_POSTGRES") is { Length: > 0 } connectionString)
        {
            await using var store = new PostgresConversationStore(new PostgresStoreOptions { ConnectionString = connectionString });
            await MeasureAsync($"PostgreSQL ({store.Target})", store, appends, cancellationToken);
        }
        else
        {
            Console.WriteLine("PostgreSQL: skipped (set VOICEAGENT_BENCH_POSTGRES to an Npgsql connection string)");
        }
    }

    private static async Task MeasureAsync(string name, IConversationStore store, int appends, CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        var session = await store.CreateAsync(null, SessionSettings.Default, cancellationToken);
        try
        {
            for (var i = 0; i < 20; i++)
            {
                await store.AppendTurnAsync(session.SessionId, Turn(-1 - i), cancellationToken); // warm-up: JIT, pools, first pages
            }

            var sequential = new double[appends];
            for (var i = 0; i < appends; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await store.AppendTurnAsync(session.SessionId, Turn(i), cancellationToken);
                sequential[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }

            var concurrent = new double[appends];
            var next = appends - 1;
            var wall = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < 2 * appends)
                {
                    var started = Stopwatch.GetTimestamp();
                    await store.AppendTurnAsync(session.SessionId, Turn(i), cancellationToken);
                    concurrent[i - appends] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }
            }, cancellationToken)));
            wall.Stop();

            var reads = new double[50];
            for (var i = 0; i < reads.Length; i++)
            {
                var started = Stopwatch.GetTimestamp();
                _ = await store.GetAsync(session.SessionId, cancellationToken);
                reads[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }

            Console.WriteLine(name);
            Console.WriteLine($"  append, one at a time:      {Summary(sequential)}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  append, {Writers} writers at once: {Summary(concurrent)}; {appends / wall.Elapsed.TotalSeconds:F0} appends/s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  get ({2 * appends + 20} turns):      {Summary(reads)}"));
        }
        finally
        {
            await store.DeleteAsync(session.SessionId, cancellationToken);
        }
    }

    private static CompletedTurn Turn(long id) =>
        new(id, "what is the weather like in Berlin tomorrow", "Tomorrow in Berlin: light rain in the morning, clearing later, around 12 degrees.", false, DateTimeOffset.UtcNow);

    private static string Summary(double[] ms)
    {
        var sorted = ms.Order().ToArray();
        return string.Create(CultureInfo.InvariantCulture,
            $"median {sorted[sorted.Length / 2]:F3} ms, p99 {sorted[(int)(sorted.Length * 0.99)]:F3} ms, max {sorted[^1]:F3} ms");
    }
}
