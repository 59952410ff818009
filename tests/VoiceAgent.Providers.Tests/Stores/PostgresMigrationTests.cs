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
        (await ScalarAsync("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'turns' AND column_name = 'tool_messages'")).ShouldBe(1L);
    }

    [PostgresFact]
    public async Task A_version_2_database_without_tool_messages_gets_the_column_in_place_and_keeps_its_turns()
    {
        // Its own schema in the class's database, so the version-1 test's tables are not in the way.
        await ExecuteAsync("CREATE SCHEMA v2_without_tools");
        var connectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString) { SearchPath = "v2_without_tools" }.ConnectionString;
        await ExecuteAsync("SET search_path TO v2_without_tools; " + Version2Stores.Postgres);
        var alice = new TenantId("alice-app");
        await using (var store = new PostgresConversationStore(new PostgresStoreOptions { ConnectionString = connectionString }, existingRowsOwner: new TenantId("someone-else")))
        {
            await store.InitializeAsync().WaitAsync(Timeout);
            var at = new DateTimeOffset(2026, 11, 20, 10, 0, 5, TimeSpan.Zero);
            var tools = new[] { new StoredMessage(ToolHistory.ResultRole, """{"Id":"c","Result":"12:00"}""", at) };
            await store.ForTenant(alice).AppendTurnAsync("v2", new CompletedTurn(2, "time?", "Noon.", false, at) { ToolMessages = tools }).WaitAsync(Timeout);

            var session = (await store.ForTenant(alice).GetAsync("v2").WaitAsync(Timeout)).ShouldNotBeNull();
            session.Messages.Select(m => (m.Role, m.Text)).ShouldBe(
                [("user", "before tools"), ("assistant", "plain answer"), ("user", "time?"), (ToolHistory.ResultRole, tools[0].Text), ("assistant", "Noon.")]);
        }

        (await ScalarAsync("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'v2_without_tools' AND table_name = 'turns' AND column_name = 'tool_messages'")).ShouldBe(1L);
        (await ScalarAsync("SELECT max(version) FROM v2_without_tools.schema_version")).ShouldBe(2);
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
