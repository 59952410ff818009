namespace VoiceAgent.Pipeline.Sessions;

/// <summary>
/// A conversation store in this process's memory, for unit tests and the explicit "Memory" provider. NOT durable:
/// everything is lost when the process ends and nothing is shared between instances.
/// </summary>
public sealed class InMemoryConversationStore(TimeProvider? time = null) : IConversationStore
{
    // One lock for the whole store: operations are tiny, and it makes get-or-create and append trivially atomic.
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _sessions = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.CompletedTask;
    }

    public Task<StoredSession> CreateAsync(string? sessionId, SessionSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var id = sessionId ?? SessionIdFormat.NewId();
        SessionIdFormat.Validate(id, nameof(sessionId));
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var entry = new Entry(settings, _time.GetUtcNow());
            if (!_sessions.TryAdd(id, entry))
            {
                throw new SessionExistsException(id);
            }

            return Task.FromResult(entry.Snapshot(id));
        }
    }

    public Task<StoredSession?> GetAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        SessionIdFormat.Validate(sessionId, nameof(sessionId));
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_sessions.TryGetValue(sessionId, out var entry) ? entry.Snapshot(sessionId) : null);
        }
    }

    public Task<StoredSession> GetOrCreateAsync(string sessionId, SessionSettings defaults, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        SessionIdFormat.Validate(sessionId, nameof(sessionId));
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_sessions.TryGetValue(sessionId, out var entry))
            {
                entry = new Entry(defaults, _time.GetUtcNow());
                _sessions.Add(sessionId, entry);
            }

            return Task.FromResult(entry.Snapshot(sessionId));
        }
    }

    public Task AppendTurnAsync(string sessionId, CompletedTurn turn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turn);
        SessionIdFormat.Validate(sessionId, nameof(sessionId));
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_sessions.TryGetValue(sessionId, out var entry))
            {
                throw new KeyNotFoundException($"Session '{sessionId}' does not exist.");
            }

            if (entry.Turns.Add((turn.TurnId, turn.CompletedAt.UtcTicks)))
            {
                entry.Messages.AddRange(StoredMessage.FromTurn(turn));
            }
        }

        return Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        SessionIdFormat.Validate(sessionId, nameof(sessionId));
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_sessions.Remove(sessionId));
        }
    }

    private sealed class Entry(SessionSettings settings, DateTimeOffset createdAt)
    {
        public HashSet<(long TurnId, long CompletedAtTicks)> Turns { get; } = [];

        public List<StoredMessage> Messages { get; } = [];

        public StoredSession Snapshot(string id) => new(id, settings, [.. Messages], createdAt);
    }
}
