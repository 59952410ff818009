using Microsoft.Data.Sqlite;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Providers.Stores.Sqlite;

namespace VoiceAgent.Providers.Tests.Stores;

/// <summary>A SQLite file made by the version before tenants is upgraded at start-up, once, with its sessions given to the configured owner.</summary>
public sealed class SqliteMigrationTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly string _folder = Directory.CreateTempSubdirectory("va-sqlite-migrate-").FullName;

    private string DatabasePath => Path.Combine(_folder, "voiceagent.db");

    [Fact]
    public async Task Version_1_rows_go_to_the_configured_owner_once_and_keep_their_history()
    {
        await CreateVersion1Async();
        var alice = new TenantId("alice-app");
        using (var store = new SqliteConversationStore(new SqliteStoreOptions { Path = DatabasePath }, existingRowsOwner: alice))
        {
            await store.InitializeAsync().WaitAsync(Timeout);
            var old = (await store.ForTenant(alice).GetAsync("old-1").WaitAsync(Timeout)).ShouldNotBeNull();
            old.Settings.SystemPrompt.ShouldBe("from version 1");
            old.Messages.Select(m => (m.Role, m.Text, m.Interrupted)).ShouldBe(
                [("user", "first question", false), ("assistant", "first answer", false), ("user", "second question", false), ("assistant", "cut sh", true)]);
            (await store.GetAsync("old-1").WaitAsync(Timeout)).ShouldBeNull();

            // Keys and cascades work on the new shape: append, the same id for another tenant, delete.
            await store.ForTenant(alice).AppendTurnAsync("old-1", new CompletedTurn(3, "third", "ok", false, DateTimeOffset.UnixEpoch.AddDays(20000))).WaitAsync(Timeout);
            await store.ForTenant(new TenantId("bob-app")).CreateAsync("old-1", SessionSettings.Default).WaitAsync(Timeout);
            (await store.ForTenant(alice).DeleteAsync("old-2").WaitAsync(Timeout)).ShouldBeTrue();
        }

        // A second start, even configured with another owner, finds the upgrade done and moves nothing.
        using (var again = new SqliteConversationStore(new SqliteStoreOptions { Path = DatabasePath }, existingRowsOwner: new TenantId("someone-else")))
        {
            await again.InitializeAsync().WaitAsync(Timeout);
            (await again.ForTenant(alice).GetAsync("old-1").WaitAsync(Timeout))!.Messages.Count.ShouldBe(6);
            (await again.ForTenant(new TenantId("someone-else")).GetAsync("old-1").WaitAsync(Timeout)).ShouldBeNull();
            (await again.ForTenant(alice).GetAsync("old-2").WaitAsync(Timeout)).ShouldBeNull();
        }

        (await ScalarAsync("SELECT max(version) FROM schema_version")).ShouldBe(2L);
        (await ScalarAsync("SELECT count(*) FROM turns WHERE session_id = 'old-2'")).ShouldBe(0L); // deleted with its session
        (await ScalarAsync("SELECT count(*) FROM pragma_foreign_key_check")).ShouldBe(0L);
    }

    [Fact]
    public async Task A_version_1_file_that_already_had_tool_messages_keeps_them_through_the_rebuild()
    {
        // Builds with tool calling but before tenants added the column to version 1 in place.
        await ExecuteAsync(Version1Stores.Sqlite + """
            ALTER TABLE turns ADD COLUMN tool_messages TEXT;
            UPDATE turns SET tool_messages = '[{"Role":"tool_result","Text":"{\"Id\":\"c1\",\"Result\":\"42\"}"}]' WHERE session_id = 'old-1' AND turn_id = 1;
            """);
        var alice = new TenantId("alice-app");
        using var store = new SqliteConversationStore(new SqliteStoreOptions { Path = DatabasePath }, existingRowsOwner: alice);
        await store.InitializeAsync().WaitAsync(Timeout);

        var old = (await store.ForTenant(alice).GetAsync("old-1").WaitAsync(Timeout)).ShouldNotBeNull();
        old.Messages.Select(m => m.Role).ShouldBe(["user", ToolHistory.ResultRole, "assistant", "user", "assistant"]);
        old.Messages[1].Text.ShouldContain("42");
    }

    [Fact]
    public async Task A_version_2_file_without_tool_messages_gets_the_column_in_place_and_keeps_its_turns()
    {
        await ExecuteAsync(Version2Stores.Sqlite);
        var alice = new TenantId("alice-app");
        using (var store = new SqliteConversationStore(new SqliteStoreOptions { Path = DatabasePath }, existingRowsOwner: new TenantId("someone-else")))
        {
            await store.InitializeAsync().WaitAsync(Timeout);
            var at = DateTimeOffset.UnixEpoch.AddDays(20000);
            var tools = new[] { new StoredMessage(ToolHistory.ResultRole, """{"Id":"c","Result":"12:00"}""", at) };
            await store.ForTenant(alice).AppendTurnAsync("v2", new CompletedTurn(2, "time?", "Noon.", false, at) { ToolMessages = tools }).WaitAsync(Timeout);

            var session = (await store.ForTenant(alice).GetAsync("v2").WaitAsync(Timeout)).ShouldNotBeNull();
            session.Messages.Select(m => (m.Role, m.Text)).ShouldBe(
                [("user", "before tools"), ("assistant", "plain answer"), ("user", "time?"), (ToolHistory.ResultRole, tools[0].Text), ("assistant", "Noon.")]);
        }

        // A second start finds the column there and changes nothing.
        using (var again = new SqliteConversationStore(new SqliteStoreOptions { Path = DatabasePath }))
        {
            await again.InitializeAsync().WaitAsync(Timeout);
            (await again.ForTenant(alice).GetAsync("v2").WaitAsync(Timeout))!.Messages.Count.ShouldBe(5);
        }

        (await ScalarAsync("SELECT count(*) FROM pragma_table_info('turns') WHERE name = 'tool_messages'")).ShouldBe(1L);
        (await ScalarAsync("SELECT max(version) FROM schema_version")).ShouldBe(2L);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private Task CreateVersion1Async() => ExecuteAsync(Version1Stores.Sqlite);

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ConnectionString);
        await connection.OpenAsync().WaitAsync(Timeout);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync().WaitAsync(Timeout);
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ConnectionString);
        await connection.OpenAsync().WaitAsync(Timeout);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync().WaitAsync(Timeout);
    }
}
