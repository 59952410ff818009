namespace VoiceAgent.Pipeline.Sessions;

/// <summary>A conversation store cannot be reached or opened; names the store and its target, never a password.</summary>
public sealed class ConversationStoreUnavailableException(string store, string target, Exception? inner)
    : Exception($"The {store} conversation store cannot reach {target}: {inner?.Message ?? "unknown error"}", inner)
{
    /// <summary>The store's kind, for example "SQLite" or "PostgreSQL".</summary>
    public string Store { get; } = store;

    /// <summary>What it tried to reach: a file path, or host, port and database.</summary>
    public string Target { get; } = target;
}
