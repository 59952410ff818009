using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Providers.Tests.Stores;
using Xunit.Abstractions;

namespace VoiceAgent.Api.Tests.Reliability;

/// <summary>
/// kill -9 of the service process in the middle of 20 voice calls: every turn a caller saw end (turn_end) is in the
/// history after a restart on the same store, and the store is intact.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class CrashSafetyTests(ITestOutputHelper output)
{
    private const int Calls = 20;
    private const int TurnsBeforeKill = 40;


    [Fact]
    public async Task Turns_that_ended_survive_kill_9_on_sqlite_and_the_file_is_intact()
    {
        var dir = Directory.CreateTempSubdirectory("va-crash-");
        try
        {
            var db = Path.Combine(dir.FullName, "va.db");
            await KillAndRestartAsync(new Dictionary<string, string> { ["VoiceAgent:Store:Provider"] = "Sqlite", ["VoiceAgent:Store:Sqlite:Path"] = db });

            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            await connection.OpenAsync().WaitAsync(ServiceHost.Timeout);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA integrity_check";
            var result = (string?)await command.ExecuteScalarAsync().WaitAsync(ServiceHost.Timeout);
            output.WriteLine($"PRAGMA integrity_check: {result}");
            result.ShouldBe("ok");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            dir.Delete(true);
        }
    }

    [PostgresFact]
    public async Task Turns_that_ended_survive_kill_9_on_postgres()
    {
        var db = new PostgresTestDatabase();
        await db.InitializeAsync();
        try
        {
            await KillAndRestartAsync(new Dictionary<string, string> { ["VoiceAgent:Store:Provider"] = "Postgres", ["VoiceAgent:Store:Postgres:ConnectionString"] = db.ConnectionString });
        }
        finally
        {
            await db.DisposeAsync();
        }
    }

    private async Task KillAndRestartAsync(Dictionary<string, string> store)
    {
        var settings = new Dictionary<string, string>(store) { ["Logging:LogLevel:Default"] = "Warning", ["VoiceAgent:Auth:ApiKeys:0"] = "crash-key" };
        var port = ServiceProcess.FreePort();
        var ended = new ConcurrentDictionary<string, ConcurrentBag<long>>();
        var total = 0;
        var clock = Stopwatch.StartNew();
        await using (var first = await ServiceProcess.StartAsync(port, settings))
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var callers = Enumerable.Range(0, Calls).Select(i => Task.Run(() => CallerAsync(first.Address, $"crash-{i}-{Guid.NewGuid():N}", ended, () => Interlocked.Increment(ref total), stop.Token))).ToArray();
            while (Volatile.Read(ref total) < TurnsBeforeKill && clock.Elapsed < TimeSpan.FromSeconds(90))
            {
                await Task.Delay(20);
            }

            await first.KillAsync();
            output.WriteLine($"killed after {clock.Elapsed.TotalSeconds:F1} s with {Volatile.Read(ref total)} turn_ends received over {ended.Count} sessions");
            await Task.WhenAll(callers).WaitAsync(ServiceHost.Timeout);
        }

        var recorded = ended.ToDictionary(e => e.Key, e => e.Value.Count);
        recorded.Values.Sum().ShouldBeGreaterThan(0);
        await using var second = await ServiceProcess.StartAsync(port, settings);
        using var http = new HttpClient { BaseAddress = second.Address, Timeout = ServiceHost.Timeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "crash-key");
        var found = 0;
        foreach (var (session, turns) in recorded)
        {
            var history = await http.GetFromJsonAsync<JsonElement>($"/sessions/{session}").WaitAsync(ServiceHost.Timeout);
            var users = history.GetProperty("messages").EnumerateArray().Count(m => m.GetProperty("role").GetString() == "user");
            users.ShouldBeGreaterThanOrEqualTo(turns, $"session {session}: {turns} turns ended before the kill");
            found += users;
        }

        output.WriteLine($"after restart: {recorded.Values.Sum()} turns recorded before the kill, {found} user messages found in history");
        (await http.GetAsync("/health").WaitAsync(ServiceHost.Timeout)).IsSuccessStatusCode.ShouldBeTrue();
    }

    /// <summary>One caller: asks the question again and again, noting every turn that ended, until the service dies.</summary>
    private static async Task CallerAsync(Uri address, string session, ConcurrentDictionary<string, ConcurrentBag<long>> ended, Func<int> counted, CancellationToken stop)
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer crash-key");
        try
        {
            await socket.ConnectAsync(new Uri($"ws://{address.Authority}/chat/voice_call"), stop);
            var question = ReliabilityAudio.Question;
            var buffer = new byte[64 * 1024];
            while (!stop.IsCancellationRequested)
            {
                for (var off = 0; off < question.Length; off += 3200)
                {
                    var chunk = Convert.ToBase64String(question, off, Math.Min(3200, question.Length - off));
                    await socket.SendAsync(Encoding.UTF8.GetBytes($"{{\"audio\":\"{chunk}\",\"meta_info\":{{\"session_id\":\"{session}\",\"encoding\":\"raw\"}}}}"), WebSocketMessageType.Text, true, stop);
                }

                // Read to this turn's end.
                while (true)
                {
                    using var message = new MemoryStream();
                    ValueWebSocketReceiveResult r;
                    do
                    {
                        r = await socket.ReceiveAsync(buffer.AsMemory(), stop);
                        await message.WriteAsync(buffer.AsMemory(0, r.Count), CancellationToken.None);
                    }
                    while (!r.EndOfMessage);

                    if (r.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    if (r.MessageType == WebSocketMessageType.Text)
                    {
                        using var doc = JsonDocument.Parse(message.ToArray());
                        if (doc.RootElement.GetProperty("type").GetString() == "turn_end")
                        {
                            ended.GetOrAdd(session, _ => []).Add(doc.RootElement.GetProperty("turn_id").GetInt64());
                            counted();
                            break;
                        }
                    }
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The service was killed under this call.
        }
    }
}
