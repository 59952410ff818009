using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Npgsql;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Providers.Tests.Stores;

namespace VoiceAgent.Api.Tests.Tenancy;

/// <summary>How keys are configured: rotation without a restart, no keys at all, and stores from before tenants.</summary>
public sealed class KeyConfigurationTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("va-keys-");

    [Fact]
    public async Task A_rotated_key_works_without_a_restart_and_the_old_one_stops()
    {
        var oldKey = "old-" + Guid.NewGuid().ToString("N");
        var newKey = "new-" + Guid.NewGuid().ToString("N");
        var file = Path.Combine(_folder.FullName, "keys.json");
        WriteKeys(file, new { Name = "alice-app", Key = oldKey });
        await using var host = await ServiceHost.StartAsync(
            configure: b => b.Configuration.AddJsonFile(file, optional: false, reloadOnChange: true));
        (await StatusAsync(host, oldKey, HttpMethod.Post, "/sessions", new { session_id = "rotating", system_prompt = "kept across the rotation" })).ShouldBe(201);
        (await StatusAsync(host, newKey, HttpMethod.Get, "/sessions/rotating")).ShouldBe(401);

        // Both keys for a while (the overlap a rotation needs), then only the new one.
        WriteKeys(file, new { Name = "alice-app", Key = oldKey }, new { Name = "alice-app", Key = newKey });
        await UntilAsync(async () => await StatusAsync(host, newKey, HttpMethod.Get, "/sessions/rotating") == 200);
        (await StatusAsync(host, oldKey, HttpMethod.Get, "/sessions/rotating")).ShouldBe(200);

        WriteKeys(file, new { Name = "alice-app", Key = newKey });
        await UntilAsync(async () => await StatusAsync(host, oldKey, HttpMethod.Get, "/sessions/rotating") == 401);
        using (var client = Client(host, newKey))
        {
            // The same name is the same tenant: the conversation made with the old key is still there.
            var session = await client.GetFromJsonAsync<JsonElement>("/sessions/rotating").WaitAsync(ServiceHost.Timeout);
            session.GetProperty("system_prompt").GetString().ShouldBe("kept across the rotation");
        }

        await using (var call = await VoiceCallClient.ConnectAsync(host, key: oldKey))
        {
            await call.WaitForCloseAsync();
            call.CloseStatus.ShouldBe(WebSocketCloseStatus.PolicyViolation);
        }

        // A bad edit that leaves no key refuses everyone; it does not open the service up.
        WriteKeys(file);
        await UntilAsync(async () => await StatusAsync(host, newKey, HttpMethod.Get, "/sessions/rotating") == 401);
        (await StatusAsync(host, "anything", HttpMethod.Get, "/sessions/rotating")).ShouldBe(401);
    }

    [Fact]
    public async Task With_no_keys_every_bearer_is_one_tenant_and_the_start_up_warns()
    {
        var logs = new LogLines();
        await using var host = await ServiceHost.StartAsync(services: logs.AddTo);
        logs.All.ShouldContain(l => l.Contains("No API keys configured", StringComparison.Ordinal));
        (await StatusAsync(host, "any-token", HttpMethod.Post, "/sessions", new { session_id = "shared-dev" })).ShouldBe(201);
        (await StatusAsync(host, "another-token", HttpMethod.Get, "/sessions/shared-dev")).ShouldBe(200);
        (await StatusAsync(host, "another-token", HttpMethod.Get, "/metrics")).ShouldBe(200);
        (await StatusAsync(host, null, HttpMethod.Get, "/sessions/shared-dev")).ShouldBe(401);
    }

    [Fact]
    public async Task A_sqlite_file_from_before_tenants_belongs_to_the_first_key_after_start_up()
    {
        var db = Path.Combine(_folder.FullName, "v1.db");
        await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false }.ConnectionString))
        {
            await connection.OpenAsync().WaitAsync(ServiceHost.Timeout);
            await using var command = connection.CreateCommand();
            command.CommandText = Version1Stores.Sqlite;
            await command.ExecuteNonQueryAsync().WaitAsync(ServiceHost.Timeout);
        }

        await UpgradedStoreBelongsToAsync(
            new Dictionary<string, string?> { ["VoiceAgent:Store:Provider"] = "Sqlite", ["VoiceAgent:Store:Sqlite:Path"] = db },
            owner: "alice");
        SqliteConnection.ClearAllPools();
    }

    [PostgresFact]
    public async Task A_postgres_database_from_before_tenants_belongs_to_the_configured_tenant_after_start_up()
    {
        var database = new PostgresTestDatabase();
        await database.InitializeAsync();
        try
        {
            await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ConnectionString))
            {
                await connection.OpenAsync().WaitAsync(ServiceHost.Timeout);
                await using var command = new NpgsqlCommand(Version1Stores.Postgres, connection);
                await command.ExecuteNonQueryAsync().WaitAsync(ServiceHost.Timeout);
            }

            await UpgradedStoreBelongsToAsync(
                new Dictionary<string, string?>
                {
                    ["VoiceAgent:Store:Provider"] = "Postgres",
                    ["VoiceAgent:Store:Postgres:ConnectionString"] = database.ConnectionString,
                    ["VoiceAgent:Store:MigrateToTenant"] = "bob-app",
                },
                owner: "bob");
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    public void Dispose() => _folder.Delete(recursive: true);

    /// <summary>Starts twice on the upgraded store (the second start changes nothing): only <paramref name="owner"/>'s key sees the old sessions.</summary>
    private static async Task UpgradedStoreBelongsToAsync(Dictionary<string, string?> store, string owner)
    {
        var settings = new Dictionary<string, string?>(store)
        {
            ["VoiceAgent:Auth:Keys:0:Name"] = "alice-app",
            ["VoiceAgent:Auth:Keys:0:Key"] = "alice",
            ["VoiceAgent:Auth:Keys:1:Name"] = "bob-app",
            ["VoiceAgent:Auth:Keys:1:Key"] = "bob",
        };
        var other = owner == "alice" ? "bob" : "alice";
        for (var start = 0; start < 2; start++)
        {
            await using var host = await ServiceHost.StartAsync(settings);
            using var client = Client(host, owner);
            var session = await client.GetFromJsonAsync<JsonElement>("/sessions/old-1").WaitAsync(ServiceHost.Timeout);
            session.GetProperty("system_prompt").GetString().ShouldBe("from version 1");
            session.GetProperty("messages").GetArrayLength().ShouldBe(4);
            (await StatusAsync(host, other, HttpMethod.Get, "/sessions/old-1")).ShouldBe(404);
            (await StatusAsync(host, other, HttpMethod.Get, "/sessions/old-2")).ShouldBe(404);
        }
    }

    private static void WriteKeys(string file, params object[] keys)
    {
        // Written whole and renamed into place, as a deployment tool would, so a reload never reads half a file.
        var temp = file + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(new { VoiceAgent = new { Auth = new { Keys = keys } } }));
        File.Move(temp, file, overwrite: true);
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(ServiceHost.Timeout);
        while (!await condition())
        {
            await Task.Delay(100, timeout.Token);
        }
    }

    private static HttpClient Client(ServiceHost host, string? key)
    {
        var client = new HttpClient { BaseAddress = host.Address, Timeout = ServiceHost.Timeout };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    private static async Task<int> StatusAsync(ServiceHost host, string? key, HttpMethod method, string path, object? body = null)
    {
        using var client = Client(host, key);
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await client.SendAsync(request).WaitAsync(ServiceHost.Timeout);
        return (int)response.StatusCode;
    }
}
