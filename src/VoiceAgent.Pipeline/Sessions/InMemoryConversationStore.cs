namespace VoiceAgent.Pipeline.Sessions;

/// <summary>
/// A conversation store in this process's memory, for unit tests and the explicit "Memory" provider. NOT durable:
/// everything is lost when the process ends and nothing is shared between instances.
/// </summary>
public sealed class InMemoryConversationStore : IConversationStore
{
    // One lock for the whole store (shared by every tenant's view): operations are tiny, and it makes get-or-create
    // and append trivially atomic.
    private readonly Lock _gate;
    private readonly Dictionary<(TenantId Tenant, string Id), Entry> _sessions;
    private readonly TimeProvider _time;

    public InMemoryConversationStore(TimeProvider? time = null)
        : this(new Lock(), [], time ?? TimeProvider.System, TenantId.Default)
    {
    }

    private InMemoryConversationStore(Lock gate, Dictionary<(TenantId, string), Entry> sessions, TimeProvider time, TenantId tenant)
    {
        _gate = gate;
        _sessions = sessions;
        _time = time;
        Tenant = tenant;
    }

    public TenantId Tenant { get; }

    public IConversationStore ForTenant(TenantId tenant) => new InMemoryConversationStore(_gate, _sessions, _time, tenant);

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
            if (!_sessions.TryAdd((Tenant, id), entry))
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
            return Task.FromResult(_sessions.TryGetValue((Tenant, sessionId), out var entry) ? entry.Snapshot(sessionId) : null);
        }
    }

    public Task<StoredSession> GetOrCreateAsync(string sessionId, SessionSettings defaults, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        SessionIdFormat.Validate(sessionId, nameof(sessionId));
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_sessions.TryGetValue((Tenant, sessionId), out var entry))
            {
                entry = new Entry(defaults, _time.GetUtcNow());
                _sessions.Add((Tenant, sessionId), entry);
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
            if (!_sessions.TryGetValue((Tenant, sessionId), out var entry))
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
            return Task.FromResult(_sessions.Remove((Tenant, sessionId)));
        }
    }

    private sealed class Entry(SessionSettings settings, DateTimeOffset createdAt)
    {
        public HashSet<(long TurnId, long CompletedAtTicks)> Turns { get; } = [];

        public List<StoredMessage> Messages { get; } = [];

        public StoredSession Snapshot(string id) => new(id, settings, [.. Messages], createdAt);
    }
}
