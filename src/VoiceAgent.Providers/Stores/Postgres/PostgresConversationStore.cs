using Npgsql;
using NpgsqlTypes;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Providers.Stores.Postgres;

/// <summary>
/// The conversation store for several instances: PostgreSQL through a pooled <see cref="NpgsqlDataSource"/>. Every
/// write is one statement, so the database's own atomicity makes get-or-create and appends race-safe across hosts.
/// </summary>
public sealed class PostgresConversationStore : IConversationStore, IAsyncDisposable
{
    private const string ForeignKeyViolation = "23503";

    // Shared by every tenant's view of the database; only the instance that created it (the root) disposes it.
    private readonly Database _db;
    private readonly bool _ownsDatabase;

    /// <param name="options">The connection string.</param>
    /// <param name="time">The clock for creation times.</param>
    /// <param name="existingRowsOwner">Who owns sessions written by a version without tenants, when the schema is upgraded (default: <see cref="TenantId.Default"/>).</param>
    public PostgresConversationStore(PostgresStoreOptions options, TimeProvider? time = null, TenantId? existingRowsOwner = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("The PostgreSQL conversation store needs a connection string.", nameof(options));
        }

        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        // Host, port, database and user only: this string goes into exceptions and logs, the password never does.
        var target = $"{builder.Host ?? "localhost"}:{builder.Port}/{builder.Database ?? builder.Username} as {builder.Username}";
        // The data source is the Database's, disposed with it (_ownsDatabase).
#pragma warning disable CA2000
        _db = new Database(NpgsqlDataSource.Create(builder), time ?? TimeProvider.System, target, existingRowsOwner ?? TenantId.Default);
#pragma warning restore CA2000
        _ownsDatabase = true;
    }

    private PostgresConversationStore(Database db, TenantId tenant)
    {
        _db = db;
        Tenant = tenant;
    }

    /// <summary>Where the store connects, without credentials (for start-up logs and errors).</summary>
    public string Target => _db.Target;

    public TenantId Tenant { get; } = TenantId.Default;

    public IConversationStore ForTenant(TenantId tenant) => new PostgresConversationStore(_db, tenant);

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        NpgsqlConnection connection;
        try
        {
            connection = await _db.DataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            throw new ConversationStoreUnavailableException("PostgreSQL", Target, ex);
        }

        await using (connection)
        {
            await PostgresSchema.CreateAsync(connection, _db.ExistingRowsOwner, cancellationToken);
        }

        _db.Initialized = true;
    }

    public async Task<StoredSession> CreateAsync(string? sessionId, SessionSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var id = sessionId ?? SessionIdFormat.NewId();
        SessionIdFormat.Validate(id, nameof(sessionId));
        var createdAt = TruncateToMicroseconds(_db.Time.GetUtcNow());
        if (!await TryInsertSessionAsync(id, settings, createdAt, cancellationToken))
        {
            throw new SessionExistsException(id);
        }

        return new StoredSession(id, settings, [], createdAt);
    }

    public async Task<StoredSession?> GetAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        SessionIdFormat.Validate(sessionId, nameof(sessionId));
        EnsureInitialized();
        // Two statements, one round trip. Read committed gives each its own snapshot; the worst a race can do is show a
        // session deleted in between with an empty history, or a turn appended in between, both harmless.
        await using var batch = _db.DataSource.CreateBatch();
        batch.BatchCommands.Add(Command("SELECT settings::text, created_at FROM sessions WHERE tenant = $1 AND session_id = $2", sessionId));
        batch.BatchCommands.Add(Command(
            "SELECT user_text, assistant_text, interrupted, completed_at, tool_messages FROM turns WHERE tenant = $1 AND session_id = $2 ORDER BY id", sessionId));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var settings = SessionSettingsJson.Deserialize(reader.GetString(0));
        var createdAt = await reader.GetFieldValueAsync<DateTimeOffset>(1, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var messages = new List<StoredMessage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var at = await reader.GetFieldValueAsync<DateTimeOffset>(3, cancellationToken);
            var tools = await reader.IsDBNullAsync(4, cancellationToken) ? null : reader.GetString(4);
            var turn = new CompletedTurn(0, reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), at)
            {
                ToolMessages = ToolMessagesJson.Deserialize(tools, at),
            };
            messages.AddRange(StoredMessage.FromTurn(turn));
        }

        return new StoredSession(sessionId, settings, messages, createdAt);
    }

    public async Task<StoredSession> GetOrCreateAsync(string sessionId, SessionSettings defaults, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        SessionIdFormat.Validate(sessionId, nameof(sessionId));
        // ON CONFLICT DO NOTHING waits for a competing insert to commit, and the next statement's snapshot sees it, so
        // every host reads the one winning row. The loop only repeats if the session is deleted between the two steps.
        while (true)
        {
            await TryInsertSessionAsync(sessionId, defaults, TruncateToMicroseconds(_db.Time.GetUtcNow()), cancellationToken);
            if (await GetAsync(sessionId, cancellationToken) is { } session)
            {
                return session;
            }
        }
    }

    public async Task AppendTurnAsync(string sessionId, CompletedTurn turn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turn);
        SessionIdFormat.Validate(sessionId, nameof(sessionId));
        EnsureInitialized();
        await using var command = _db.DataSource.CreateCommand("""
            INSERT INTO turns (tenant, session_id, turn_id, completed_at, user_text, assistant_text, interrupted, tool_messages)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (tenant, session_id, turn_id, completed_at) DO NOTHING
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = Tenant.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = sessionId });
        command.Parameters.Add(new NpgsqlParameter { Value = turn.TurnId });
        command.Parameters.Add(new NpgsqlParameter { Value = turn.CompletedAt.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter { Value = turn.UserText });
        command.Parameters.Add(new NpgsqlParameter { Value = turn.AssistantText });
        command.Parameters.Add(new NpgsqlParameter { Value = turn.Interrupted });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)ToolMessagesJson.Serialize(turn.ToolMessages) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
        try
        {
            // Returns after the commit: with synchronous_commit on (the server default), the turn is on disk.
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == ForeignKeyViolation)
        {
            throw new KeyNotFoundException($"Session '{sessionId}' does not exist.", ex);
        }
    }

    public async Task<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        SessionIdFormat.Validate(sessionId, nameof(sessionId));
        EnsureInitialized();
        // The session's turns go with it (ON DELETE CASCADE), in the same statement.
        await using var command = _db.DataSource.CreateCommand("DELETE FROM sessions WHERE tenant = $1 AND session_id = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = Tenant.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = sessionId });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public ValueTask DisposeAsync() => _ownsDatabase ? _db.DataSource.DisposeAsync() : ValueTask.CompletedTask;

    private async Task<bool> TryInsertSessionAsync(string id, SessionSettings settings, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        EnsureInitialized();
        await using var command = _db.DataSource.CreateCommand(
            "INSERT INTO sessions (tenant, session_id, settings, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (tenant, session_id) DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter { Value = Tenant.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = SessionSettingsJson.Serialize(settings), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = createdAt });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private NpgsqlBatchCommand Command(string sql, string sessionId)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = Tenant.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = sessionId });
        return command;
    }

    // PostgreSQL keeps microseconds; returning the same precision keeps CreatedAt equal to what a later read returns.
    private static DateTimeOffset TruncateToMicroseconds(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);

    private void EnsureInitialized()
    {
        if (!_db.Initialized)
        {
            throw new InvalidOperationException($"The PostgreSQL conversation store ({Target}) is not initialised: call InitializeAsync at start-up.");
        }
    }

    /// <summary>What every tenant's view of one database shares: the connection pool and whether the schema is ready.</summary>
    private sealed class Database(NpgsqlDataSource dataSource, TimeProvider time, string target, TenantId existingRowsOwner)
    {
        private volatile bool _initialized;

        public NpgsqlDataSource DataSource => dataSource;

        public TimeProvider Time => time;

        public string Target => target;

        public TenantId ExistingRowsOwner => existingRowsOwner;

        public bool Initialized
        {
            get => _initialized;
            set => _initialized = value;
        }
    }
}
