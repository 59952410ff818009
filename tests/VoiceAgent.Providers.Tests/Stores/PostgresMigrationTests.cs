using Npgsql;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Providers.Stores.Postgres;

namespace VoiceAgent.Providers.Tests.Stores;

/// <summary>
/// A PostgreSQL database made by the version before tenants is upgraded at start-up, once, with its sessions given to
/// the configured owner; SKIPPED when <c>VOICEAGENT_TEST_POSTGRES</c> is unset.
/// </summary>
[RequiresEnvironment(PostgresTestDatabase.Variable)]
public sealed class PostgresMigrationTests(PostgresTestDatabase database) : IClassFixture<PostgresTestDatabase>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [PostgresFact]
    public async Task Version_1_rows_go_to_the_configured_owner_once_and_keep_their_history()
    {
        await ExecuteAsync(Version1Stores.Postgres);
        var alice = new TenantId("alice-app");
        await using (var store = Open(alice))
        {
            await store.InitializeAsync().WaitAsync(Timeout);
            var old = (await store.ForTenant(alice).GetAsync("old-1").WaitAsync(Timeout)).ShouldNotBeNull();
            old.Settings.SystemPrompt.ShouldBe("from version 1");
            old.Messages.Select(m => (m.Role, m.Text, m.Interrupted)).ShouldBe(
                [("user", "first question", false), ("assistant", "first answer", false), ("user", "second question", false), ("assistant", "cut sh", true)]);
            (await store.GetAsync("old-1").WaitAsync(Timeout)).ShouldBeNull();

            await store.ForTenant(alice).AppendTurnAsync("old-1", new CompletedTurn(3, "third", "ok", false, DateTimeOffset.UnixEpoch.AddDays(20000))).WaitAsync(Timeout);
            await store.ForTenant(new TenantId("bob-app")).CreateAsync("old-1", SessionSettings.Default).WaitAsync(Timeout);
            (await store.ForTenant(alice).DeleteAsync("old-2").WaitAsync(Timeout)).ShouldBeTrue();
        }

        // Hosts starting together, even configured with another owner, find the upgrade done and move nothing.
        var others = Enumerable.Range(0, 4).Select(_ => Open(new TenantId("someone-else"))).ToArray();
        try
        {
            await Task.WhenAll(others.Select(s => s.InitializeAsync())).WaitAsync(Timeout);
            (await others[0].ForTenant(alice).GetAsync("old-1").WaitAsync(Timeout))!.Messages.Count.ShouldBe(6);
            (await others[1].ForTenant(new TenantId("someone-else")).GetAsync("old-1").WaitAsync(Timeout)).ShouldBeNull();
            (await others[2].ForTenant(alice).GetAsync("old-2").WaitAsync(Timeout)).ShouldBeNull();
        }
        finally
        {
            foreach (var store in others)
            {
                await store.DisposeAsync().AsTask().WaitAsync(Timeout);
            }
        }

        (await ScalarAsync("SELECT max(version) FROM schema_version")).ShouldBe(2);
        (await ScalarAsync("SELECT count(*) FROM turns WHERE session_id = 'old-2'")).ShouldBe(0L); // deleted with its session
        (await ScalarAsync("SELECT count(*) FROM sessions WHERE tenant IS NULL")).ShouldBe(0L);
    }

    private PostgresConversationStore Open(TenantId owner) =>
        new(new PostgresStoreOptions { ConnectionString = database.ConnectionString }, existingRowsOwner: owner);

    private async Task ExecuteAsync(string sql) => await ScalarAsync(sql);

    private async Task<object?> ScalarAsync(string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync().WaitAsync(Timeout);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync().WaitAsync(Timeout);
    }
}
