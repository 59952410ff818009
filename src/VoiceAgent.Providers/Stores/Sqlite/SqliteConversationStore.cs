using Microsoft.Data.Sqlite;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Providers.Stores.Sqlite;

/// <summary>
/// The default conversation store: an embedded SQLite file in WAL mode. Writes go through one connection behind a
/// semaphore (SQLite has one writer at a time anyway, and this keeps in-process writers from spinning on its lock);
/// reads use pooled connections and run alongside writes.
/// </summary>
public sealed class SqliteConversationStore : IConversationStore, IDisposable
{
    private const int ForeignKeyViolation = 787; // SQLITE_CONSTRAINT_FOREIGNKEY

    // Shared by every tenant's view of the file; only the instance that created it (the root) disposes it.
    private readonly Database _db;
    private readonly bool _ownsDatabase;

    static SqliteConversationStore()
    {
        // Microsoft.Data.Sqlite.Core ships no native library of its own; this binds the bundled e_sqlite3, once per process.
        SQLitePCL.Batteries_V2.Init();
    }

    /// <param name="options">Where the file is and how durable writes are.</param>
    /// <param name="time">The clock for creation times.</param>
    /// <param name="existingRowsOwner">Who owns sessions written by a version without tenants, when the schema is upgraded (default: <see cref="TenantId.Default"/>).</param>
    public SqliteConversationStore(SqliteStoreOptions options, TimeProvider? time = null, TenantId? existingRowsOwner = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Path);
        var fullPath = System.IO.Path.GetFullPath(options.Path);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _db = new Database(options, time ?? TimeProvider.System, fullPath, connectionString, existingRowsOwner ?? TenantId.Default);
        _ownsDatabase = true;
    }

    private SqliteConversationStore(Database db, TenantId tenant)
    {
        _db = db;
        Tenant = tenant;
    }

    /// <summary>The database file, as an absolute path.</summary>
    public string FullPath => _db.FullPath;

    public TenantId Tenant { get; } = TenantId.Default;

    public IConversationStore ForTenant(TenantId tenant) => new SqliteConversationStore(_db, tenant);

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await _db.WriteGate.WaitAsync(cancellationToken);
        try
        {
            if (_db.Writer is not null)
            {
                return;
            }

            SqliteConnection? connection = null;
            try
            {
                var folder = System.IO.Path.GetDirectoryName(FullPath);
                if (!string.IsNullOrEmpty(folder))
                {
                    Directory.CreateDirectory(folder);
                }

                // Becomes the store's writer (disposed with the store), or is disposed by the catch below.
#pragma warning disable CA2000
                connection = await OpenAsync(cancellationToken);
#pragma warning restore CA2000
                await SqliteSchema.CreateAsync(connection, _db.Time, _db.ExistingRowsOwner, cancellationToken);
                _db.Writer = connection;
            }
            catch (Exception ex)
            {
                // Any failure (a cancelled start included) closes the connection that did not become the writer.
                if (connection is not null)
                {
                    await connection.DisposeAsync();
                }

                if (ex is SqliteException or IOException or UnauthorizedAccessException)
                {
                    throw new ConversationStoreUnavailableException("SQLite", FullPath, ex);
                }

                throw;
            }
        }
        finally
        {
            _db.WriteGate.Release();
        }
    }

    public async Task<StoredSession> CreateAsync(string? sessionId, SessionSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var id = sessionId ?? SessionIdFormat.NewId();
        SessionIdFormat.Validate(id, nameof(sessionId));
        var createdAt = _db.Time.GetUtcNow();
        if (!await TryInsertSessionAsync(id, settings, createdAt, cancellationToken))
        {
            throw new SessionExistsException(id);
        }

        return new StoredSession(id, settings, [], SqliteSchema.FromMicroseconds(SqliteSchema.ToMicroseconds(createdAt)));
    }

    public async Task<StoredSession?> GetAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        SessionIdFormat.Validate(sessionId, nameof(sessionId));
        EnsureInitialized();
        await using var connection = await OpenAsync(cancellationToken);
        // One read transaction: the settings and the history come from the same snapshot.
        // Microsoft.Data.Sqlite is synchronous (its async methods run the same call); a deferred/immediate transaction has no async form.
#pragma warning disable CA1849
        await using var transaction = connection.BeginTransaction(deferred: true);
#pragma warning restore CA1849
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            SELECT settings, created_at_us FROM sessions WHERE tenant = $tenant AND session_id = $id;
            SELECT user_text, assistant_text, interrupted, completed_at_us, tool_messages FROM turns WHERE tenant = $tenant AND session_id = $id ORDER BY id;
            """;
        command.Parameters.AddWithValue("$tenant", Tenant.Value);
        command.Parameters.AddWithValue("$id", sessionId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var settings = SessionSettingsJson.Deserialize(reader.GetString(0));
        var createdAt = SqliteSchema.FromMicroseconds(reader.GetInt64(1));
        await reader.NextResultAsync(cancellationToken);
        var messages = new List<StoredMessage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var at = SqliteSchema.FromMicroseconds(reader.GetInt64(3));
            var turn = new CompletedTurn(0, reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), at)
            {
#pragma warning disable CA1849 // Microsoft.Data.Sqlite is synchronous: IsDBNullAsync runs the same call.
                ToolMessages = ToolMessagesJson.Deserialize(reader.IsDBNull(4) ? null : reader.GetString(4), at),
#pragma warning restore CA1849
            };
            messages.AddRange(StoredMessage.FromTurn(turn));
        }

        return new StoredSession(sessionId, settings, messages, createdAt);
    }

    public async Task<StoredSession> GetOrCreateAsync(string sessionId, SessionSettings defaults, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        SessionIdFormat.Validate(sessionId, nameof(sessionId));
        // Insert-if-absent is atomic in SQLite, even across processes; whoever lost reads the winner's row. The loop
        // only repeats if the session is deleted between the two steps.
        while (true)
        {
            await TryInsertSessionAsync(sessionId, defaults, _db.Time.GetUtcNow(), cancellationToken);
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
        await WriteAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO turns (tenant, session_id, turn_id, completed_at_us, user_text, assistant_text, interrupted, tool_messages)
                VALUES ($tenant, $id, $turn, $at, $user, $assistant, $interrupted, $tools)
                ON CONFLICT (tenant, session_id, turn_id, completed_at_us) DO NOTHING;
                """;
            command.Parameters.AddWithValue("$tenant", Tenant.Value);
            command.Parameters.AddWithValue("$id", sessionId);
            command.Parameters.AddWithValue("$turn", turn.TurnId);
            command.Parameters.AddWithValue("$at", SqliteSchema.ToMicroseconds(turn.CompletedAt));
            command.Parameters.AddWithValue("$user", turn.UserText);
            command.Parameters.AddWithValue("$assistant", turn.AssistantText);
            command.Parameters.AddWithValue("$interrupted", turn.Interrupted);
            command.Parameters.AddWithValue("$tools", (object?)ToolMessagesJson.Serialize(turn.ToolMessages) ?? DBNull.Value);
            try
            {
                return await command.ExecuteNonQueryAsync(ct);
            }
            catch (SqliteException ex) when (ex.SqliteExtendedErrorCode == ForeignKeyViolation)
            {
                throw new KeyNotFoundException($"Session '{sessionId}' does not exist.", ex);
            }
        }, cancellationToken);
    }

    public async Task<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        SessionIdFormat.Validate(sessionId, nameof(sessionId));
        var deleted = await WriteAsync(async (connection, ct) =>
        {
            // The session's turns go with it (ON DELETE CASCADE), in the same statement's transaction.
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM sessions WHERE tenant = $tenant AND session_id = $id;";
            command.Parameters.AddWithValue("$tenant", Tenant.Value);
            command.Parameters.AddWithValue("$id", sessionId);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
        return deleted > 0;
    }

    public void Dispose()
    {
        if (!_ownsDatabase)
        {
            return;
        }

        if (_db.Writer is { } writer)
        {
            SqliteConnection.ClearPool(writer);
            writer.Dispose();
            _db.Writer = null;
        }

        _db.WriteGate.Dispose();
    }

    private Task<bool> TryInsertSessionAsync(string id, SessionSettings settings, DateTimeOffset createdAt, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO sessions (tenant, session_id, settings, created_at_us) VALUES ($tenant, $id, $settings, $at)
                ON CONFLICT (tenant, session_id) DO NOTHING;
                """;
            command.Parameters.AddWithValue("$tenant", Tenant.Value);
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$settings", SessionSettingsJson.Serialize(settings));
            command.Parameters.AddWithValue("$at", SqliteSchema.ToMicroseconds(createdAt));
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);

    private async Task<T> WriteAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        EnsureInitialized();
        await _db.WriteGate.WaitAsync(cancellationToken);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            return await write(_db.Writer ?? throw new ObjectDisposedException(nameof(SqliteConversationStore)), cancellationToken);
        }
        finally
        {
            _db.WriteGate.Release();
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_db.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            SqliteSchema.Configure(connection, _db.Options);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private void EnsureInitialized()
    {
        if (_db.Writer is null)
        {
            throw new InvalidOperationException($"The SQLite conversation store ({FullPath}) is not initialised: call InitializeAsync at start-up.");
        }
    }

    /// <summary>What every tenant's view of one file shares: its connections and the single writer's gate.</summary>
    private sealed class Database(SqliteStoreOptions options, TimeProvider time, string fullPath, string connectionString, TenantId existingRowsOwner)
    {
        private SqliteConnection? _writer;

        /// <summary>The one write connection, set once by InitializeAsync; read without the gate by the initialised check.</summary>
        public SqliteConnection? Writer
        {
            get => Volatile.Read(ref _writer);
            set => Volatile.Write(ref _writer, value);
        }

        public SqliteStoreOptions Options => options;

        public TimeProvider Time => time;

        public string FullPath => fullPath;

        public string ConnectionString => connectionString;

        public TenantId ExistingRowsOwner => existingRowsOwner;

        public SemaphoreSlim WriteGate { get; } = new(1, 1);
    }
}
