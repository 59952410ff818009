using Microsoft.Extensions.Options;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Providers.Stores.Postgres;
using VoiceAgent.Providers.Stores.Sqlite;

namespace VoiceAgent.Api.Hosting;

/// <summary>
/// Chooses the conversation store, <c>VoiceAgent:Store:Provider</c>: <c>Sqlite</c> (default, a file), <c>Postgres</c>
/// (several instances share it), or <c>Memory</c> (tests only: nothing survives a restart). Its schema is created at start.
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
            return provider switch
            {
                "Sqlite" => new SqliteConversationStore(sp.GetRequiredService<IOptions<SqliteStoreOptions>>().Value, time),
                "Postgres" => new PostgresConversationStore(sp.GetRequiredService<IOptions<PostgresStoreOptions>>().Value, time),
                "Memory" => new InMemoryConversationStore(time),
                _ => throw new OptionsValidationException("VoiceAgent:Store:Provider", typeof(IConversationStore), [$"VoiceAgent:Store:Provider is '{provider}'; use Sqlite, Postgres or Memory."]),
            };
        });
        services.AddHostedService<StoreInitializer>();
        return services;
    }

    /// <summary>Creates the store's schema before the service takes calls; a store that cannot be reached stops the start.</summary>
    private sealed class StoreInitializer(IConversationStore store) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
