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

    private readonly SqliteStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private SqliteConnection? _writer;

    static SqliteConversationStore()
    {
        // Microsoft.Data.Sqlite.Core ships no native library of its own; this binds the bundled e_sqlite3, once per process.
        SQLitePCL.Batteries_V2.Init();
    }

    public SqliteConversationStore(SqliteStoreOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Path);
        _options = options;
        _time = time ?? TimeProvider.System;
        FullPath = System.IO.Path.GetFullPath(options.Path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>The database file, as an absolute path.</summary>
    public string FullPath { get; }

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            if (_writer is not null)
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

                connection = await OpenAsync(cancellationToken);
                await SqliteSchema.CreateAsync(connection, _time, cancellationToken);
                _writer = connection;
            }
            catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
            {
                if (connection is not null)
                {
                    await connection.DisposeAsync();
                }

                throw new ConversationStoreUnavailableException("SQLite", FullPath, ex);
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task<StoredSession> CreateAsync(string? sessionId, SessionSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var id = sessionId ?? SessionIdFormat.NewId();
        SessionIdFormat.Validate(id, nameof(sessionId));
        var createdAt = _time.GetUtcNow();
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
        await using var transaction = connection.BeginTransaction(deferred: true);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            SELECT settings, created_at_us FROM sessions WHERE session_id = $id;
            SELECT user_text, assistant_text, interrupted, completed_at_us, tool_messages FROM turns WHERE session_id = $id ORDER BY id;
            """;
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
                ToolMessages = ToolMessagesJson.Deserialize(reader.IsDBNull(4) ? null : reader.GetString(4), at),
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
            await TryInsertSessionAsync(sessionId, defaults, _time.GetUtcNow(), cancellationToken);
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
                INSERT INTO turns (session_id, turn_id, completed_at_us, user_text, assistant_text, interrupted, tool_messages)
                VALUES ($id, $turn, $at, $user, $assistant, $interrupted, $tools)
                ON CONFLICT (session_id, turn_id, completed_at_us) DO NOTHING;
                """;
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
            command.CommandText = "DELETE FROM sessions WHERE session_id = $id;";
            command.Parameters.AddWithValue("$id", sessionId);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
        return deleted > 0;
    }

    public void Dispose()
    {
        if (_writer is { } writer)
        {
            SqliteConnection.ClearPool(writer);
            writer.Dispose();
            _writer = null;
        }

        _writeGate.Dispose();
    }

    private Task<bool> TryInsertSessionAsync(string id, SessionSettings settings, DateTimeOffset createdAt, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO sessions (session_id, settings, created_at_us) VALUES ($id, $settings, $at)
                ON CONFLICT (session_id) DO NOTHING;
                """;
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$settings", SessionSettingsJson.Serialize(settings));
            command.Parameters.AddWithValue("$at", SqliteSchema.ToMicroseconds(createdAt));
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);

    private async Task<T> WriteAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        EnsureInitialized();
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            return await write(_writer ?? throw new ObjectDisposedException(nameof(SqliteConversationStore)), cancellationToken);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            SqliteSchema.Configure(connection, _options);
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
        if (Volatile.Read(ref _writer) is null)
        {
            throw new InvalidOperationException($"The SQLite conversation store ({FullPath}) is not initialised: call InitializeAsync at start-up.");
        }
    }
}
