using Microsoft.Extensions.Options;
using VoiceAgent.Api.Auth;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Providers.Stores.Postgres;
using VoiceAgent.Providers.Stores.Sqlite;

namespace VoiceAgent.Api.Hosting;

/// <summary>
/// Chooses the conversation store, <c>VoiceAgent:Store:Provider</c>: <c>Sqlite</c> (default, a file), <c>Postgres</c>
/// (several instances share it), or <c>Memory</c> (tests only: nothing survives a restart). Its schema is created at start,
/// and a store from before tenants is upgraded: its sessions go to <c>VoiceAgent:Store:MigrateToTenant</c>, by default
/// the tenant of the first configured key (<c>default</c> with no keys).
/// </summary>
public static class StoreRegistration
{
    public static IServiceCollection AddConversationStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SqliteStoreOptions>().Bind(configuration.GetSection("VoiceAgent:Store:Sqlite"));
        services.AddOptions<PostgresStoreOptions>().Bind(configuration.GetSection("VoiceAgent:Store:Postgres"));
        services.AddSingleton<IConversationStore>(sp =>
        {
            var provider = configuration["VoiceAgent:Store:Provider"] ?? "Sqlite";
            var time = sp.GetRequiredService<TimeProvider>();
            var owner = ExistingRowsOwner(configuration, sp.GetRequiredService<ApiKeyValidator>());
            return provider switch
            {
                "Sqlite" => new SqliteConversationStore(sp.GetRequiredService<IOptions<SqliteStoreOptions>>().Value, time, owner),
                "Postgres" => new PostgresConversationStore(sp.GetRequiredService<IOptions<PostgresStoreOptions>>().Value, time, owner),
                "Memory" => new InMemoryConversationStore(time),
                _ => throw new OptionsValidationException("VoiceAgent:Store:Provider", typeof(IConversationStore), [$"VoiceAgent:Store:Provider is '{provider}'; use Sqlite, Postgres or Memory."]),
            };
        });
        services.AddHostedService<StoreInitializer>();
        return services;
    }

    private static TenantId ExistingRowsOwner(IConfiguration configuration, ApiKeyValidator keys)
    {
        var configured = configuration["VoiceAgent:Store:MigrateToTenant"];
        if (string.IsNullOrEmpty(configured))
        {
            return keys.FirstTenant ?? TenantId.Default;
        }

        return TenantId.IsValid(configured)
            ? new TenantId(configured)
            : throw new OptionsValidationException("VoiceAgent:Store:MigrateToTenant", typeof(IConversationStore), [$"VoiceAgent:Store:MigrateToTenant '{configured}' is not a valid key name."]);
    }

    /// <summary>Creates the store's schema before the service takes calls; a store that cannot be reached stops the start.</summary>
    private sealed class StoreInitializer(IConversationStore store) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
