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
        reader.Read().ShouldBeTrue();
        reader.GetString(0).ShouldBe("wal");
        reader.NextResult().ShouldBeTrue();
        reader.Read().ShouldBeTrue();
        reader.GetInt32(0).ShouldBe(2);
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
