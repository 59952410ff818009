using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Providers.Stores.Postgres;

namespace VoiceAgent.Providers.Tests.Stores;

/// <summary>
/// The store contract against PostgreSQL, in a database of this class's own; SKIPPED when
/// <c>VOICEAGENT_TEST_POSTGRES</c> (an Npgsql connection string with the right to create databases) is unset.
/// </summary>
[RequiresEnvironment(PostgresTestDatabase.Variable)]
public sealed class PostgresConversationStoreTests(PostgresTestDatabase database) : ConversationStoreContract, IClassFixture<PostgresTestDatabase>
{
    protected override bool Durable => true;

    protected override IConversationStore NewStore() => new PostgresConversationStore(new PostgresStoreOptions { ConnectionString = database.ConnectionString });

    // The contract's facts skip without a server, but xunit still builds the class for them; open nothing then.
    public override Task InitializeAsync() => PostgresTestDatabase.AdminConnectionString is null ? Task.CompletedTask : base.InitializeAsync();

    [PostgresFact]
    public async Task Hosts_starting_together_create_the_schema_once_without_errors()
    {
        var stores = Enumerable.Range(0, 8).Select(_ => NewStore()).ToArray();
        try
        {
            // The fixture's database already has the schema from InitializeAsync; these re-run it all at once.
            await Task.WhenAll(stores.Select(s => Task.Run(() => s.InitializeAsync()))).WaitAsync(Timeout);
            await stores[3].CreateAsync(Id("after-init"), SessionSettings.Default).WaitAsync(Timeout);
            (await stores[5].GetAsync(Id("after-init")).WaitAsync(Timeout)).ShouldNotBeNull();
        }
        finally
        {
            foreach (var store in stores.Cast<IAsyncDisposable>())
            {
                await store.DisposeAsync().AsTask().WaitAsync(Timeout);
            }
        }
    }
}
