namespace VoiceAgent.Pipeline.Sessions;

/// <summary>
/// Where sessions' settings and histories live, so they survive restarts and are shared by every instance.
/// </summary>
/// <remarks>
/// A store instance acts for one <see cref="Tenant"/>: every session is keyed by (tenant, id), so two tenants may use
/// the same id for two separate conversations and neither can see, change or delete the other's.
/// <see cref="ForTenant"/> gives another tenant's view of the same storage. Session ids are checked by <see cref="SessionIdFormat"/>; an invalid one throws <see cref="ArgumentException"/> before
/// any storage is touched. Implementations are safe to call concurrently.
/// </remarks>
public interface IConversationStore
{
    /// <summary>The owner of every session this instance reads and writes (<see cref="TenantId.Default"/> for the store the host registers).</summary>
    TenantId Tenant { get; }

    /// <summary>The same storage as seen by <paramref name="tenant"/>: cheap, shares connections, needs no initialisation of its own.</summary>
    IConversationStore ForTenant(TenantId tenant);

    /// <summary>
    /// Creates the schema if it is missing (or upgrades it, giving rows written before tenants existed to the owner the
    /// store was built with) and checks the store can be reached; the host calls it once at start-up.
    /// Throws <see cref="ConversationStoreUnavailableException"/> when the store cannot be reached.
    /// </summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a session with an empty history; a null <paramref name="sessionId"/> gets a new id. Throws
    /// <see cref="SessionExistsException"/> when the id is taken: a client naming its own id must not silently inherit
    /// somebody else's history (<see cref="GetOrCreateAsync"/> is the call that means "this id, whatever it holds").
    /// </summary>
    Task<StoredSession> CreateAsync(string? sessionId, SessionSettings settings, CancellationToken cancellationToken = default);

    /// <summary>The session's settings and its history in the order it was appended, or null when there is no such session.</summary>
    Task<StoredSession?> GetAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The session, created with <paramref name="defaults"/> if it does not exist. Race-safe: callers doing it at once,
    /// in one process or several, all get the same single session (and the settings of whichever created it).
    /// </summary>
    Task<StoredSession> GetOrCreateAsync(string sessionId, SessionSettings defaults, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends a finished turn: the user's message, then the assistant's if it said anything. Durable when the task
    /// completes. Idempotent for the same (session, <see cref="CompletedTurn.TurnId"/>, <see cref="CompletedTurn.CompletedAt"/>):
    /// a retry after a timeout or a cancellation (which may or may not have committed) never duplicates the turn.
    /// Throws <see cref="KeyNotFoundException"/> when the session does not exist (for example, it was deleted mid-call).
    /// </summary>
    Task AppendTurnAsync(string sessionId, CompletedTurn turn, CancellationToken cancellationToken = default);

    /// <summary>Deletes the session and its history; false when there was no such session.</summary>
    Task<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken = default);
}
