namespace VoiceAgent.Providers.Stores.Postgres;

/// <summary>Options of the PostgreSQL conversation store (configuration section <c>VoiceAgent:Store:Postgres</c>).</summary>
public sealed class PostgresStoreOptions
{
    /// <summary>
    /// An Npgsql connection string. To keep the store's tables apart in a shared database, give it a schema of its own
    /// with <c>Search Path=voiceagent</c> (the schema must exist).
    /// </summary>
    public string ConnectionString { get; set; } = "";
}
