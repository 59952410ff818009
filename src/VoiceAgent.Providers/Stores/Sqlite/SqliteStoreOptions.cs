namespace VoiceAgent.Providers.Stores.Sqlite;

/// <summary>Options of the SQLite conversation store (configuration section <c>VoiceAgent:Store:Sqlite</c>).</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The database file; relative paths are relative to the working directory. Its folder is created.</summary>
    public string Path { get; set; } = "data/voiceagent.db";

    /// <summary>
    /// True (the default): <c>synchronous=FULL</c>, a committed turn survives power loss as well as a killed process.
    /// False: <c>synchronous=NORMAL</c>, which in WAL mode survives a killed process but may lose the last commits on
    /// power loss. See bench/VoiceAgent.Benchmarks/Stores for what each costs per append.
    /// </summary>
    public bool DurableOnPowerLoss { get; set; } = true;

    /// <summary>How long a write waits for another process's lock on the same file before failing.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
