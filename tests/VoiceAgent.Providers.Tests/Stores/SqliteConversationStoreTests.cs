using Microsoft.Data.Sqlite;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Providers.Stores.Sqlite;

namespace VoiceAgent.Providers.Tests.Stores;

/// <summary>The store contract against SQLite in a temporary file (deleted afterwards), plus what only SQLite has.</summary>
public sealed class SqliteConversationStoreTests : ConversationStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"va-sqlite-{Guid.NewGuid():N}");

    protected override bool Durable => true;

    // A folder that does not exist yet: the store must create it.
    private string DatabasePath => Path.Combine(_folder, "nested", "voiceagent.db");

    protected override IConversationStore NewStore() => new SqliteConversationStore(new SqliteStoreOptions { Path = DatabasePath });

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task The_file_is_in_WAL_mode_with_the_schema_version_recorded()
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false };
        await using var connection = new SqliteConnection(builder.ConnectionString);
        await connection.OpenAsync().WaitAsync(Timeout);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode; SELECT max(version) FROM schema_version;";
        await using var reader = await command.ExecuteReaderAsync().WaitAsync(Timeout);
        (await reader.ReadAsync()).ShouldBeTrue();
        reader.GetString(0).ShouldBe("wal");
        (await reader.NextResultAsync()).ShouldBeTrue();
        (await reader.ReadAsync()).ShouldBeTrue();
        reader.GetInt32(0).ShouldBe(2);
    }

    [Fact]
    public async Task A_file_made_before_tool_messages_existed_gets_their_column_and_keeps_its_turns()
    {
        var path = Path.Combine(_folder, "old.db");
        Directory.CreateDirectory(_folder);
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false };
        await using (var connection = new SqliteConnection(builder.ConnectionString))
        {
            await connection.OpenAsync().WaitAsync(Timeout);
            await using var command = connection.CreateCommand();
            // The schema as version 1 first shipped it, with one turn in it.
            command.CommandText = """
                CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);
                CREATE TABLE sessions (session_id TEXT PRIMARY KEY, settings TEXT NOT NULL, created_at_us INTEGER NOT NULL);
                CREATE TABLE turns (id INTEGER PRIMARY KEY, session_id TEXT NOT NULL REFERENCES sessions(session_id) ON DELETE CASCADE,
                    turn_id INTEGER NOT NULL, completed_at_us INTEGER NOT NULL, user_text TEXT NOT NULL, assistant_text TEXT NOT NULL,
                    interrupted INTEGER NOT NULL, UNIQUE (session_id, turn_id, completed_at_us));
                INSERT INTO schema_version VALUES (1, '2026-01-01');
                INSERT INTO sessions VALUES ('old', '{}', 0);
                INSERT INTO turns (session_id, turn_id, completed_at_us, user_text, assistant_text, interrupted) VALUES ('old', 1, 5, 'hi', 'hello', 0);
                """;
            await command.ExecuteNonQueryAsync().WaitAsync(Timeout);
        }

        using var store = new SqliteConversationStore(new SqliteStoreOptions { Path = path });
        await store.InitializeAsync().WaitAsync(Timeout);
        var at = T0.AddSeconds(2);
        await store.AppendTurnAsync("old", new CompletedTurn(2, "time?", "Noon.", false, at) { ToolMessages = [new StoredMessage(ToolHistory.ResultRole, """{"Id":"c","Result":"12:00"}""", at)] }).WaitAsync(Timeout);

        var messages = (await store.GetAsync("old").WaitAsync(Timeout))!.Messages;
        messages.Select(m => m.Role).ShouldBe(["user", "assistant", "user", ToolHistory.ResultRole, "assistant"]);
    }

    [Fact]
    public async Task A_path_that_cannot_be_created_names_the_store_and_the_file()
    {
        var blocker = Path.Combine(_folder, "a-file");
        await File.WriteAllTextAsync(blocker, "not a folder").WaitAsync(Timeout);
        using var store = new SqliteConversationStore(new SqliteStoreOptions { Path = Path.Combine(blocker, "voiceagent.db") });

        var ex = await Should.ThrowAsync<ConversationStoreUnavailableException>(() => store.InitializeAsync().WaitAsync(Timeout));
        ex.Store.ShouldBe("SQLite");
        ex.Message.ShouldContain(blocker);
    }

    [Fact]
    public async Task Using_the_store_before_InitializeAsync_says_so()
    {
        using var store = new SqliteConversationStore(new SqliteStoreOptions { Path = Path.Combine(_folder, "other.db") });
        var ex = await Should.ThrowAsync<InvalidOperationException>(() => store.GetAsync("abc").WaitAsync(Timeout));
        ex.Message.ShouldContain("InitializeAsync");
    }
}
