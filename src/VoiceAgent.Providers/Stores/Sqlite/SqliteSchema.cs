using System.Globalization;
using Microsoft.Data.Sqlite;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Providers.Stores.Sqlite;

/// <summary>The SQLite store's tables, created when missing, and the per-connection settings every connection gets.</summary>
internal static class SqliteSchema
{
    public const int Version = 2;

    // The version-2 tables, written once: created as they are on a new file, and rebuilt into from version 1.
    private const string SessionsColumns = "tenant TEXT NOT NULL, session_id TEXT NOT NULL, settings TEXT NOT NULL, created_at_us INTEGER NOT NULL, PRIMARY KEY (tenant, session_id)";

    private const string TurnsColumns = "id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, session_id TEXT NOT NULL, turn_id INTEGER NOT NULL, completed_at_us INTEGER NOT NULL, user_text TEXT NOT NULL, assistant_text TEXT NOT NULL, interrupted INTEGER NOT NULL, tool_messages TEXT";

    // One row per turn rather than per message: a turn is then written by one atomic INSERT, and the unique key is
    // exactly the idempotency key of AppendTurnAsync. Times are UTC microseconds since the Unix epoch, the precision
    // PostgreSQL keeps, so both stores treat the same CompletedAt alike. Every row carries its owner (version 2):
    // sessions are keyed by (tenant, session_id), so two tenants' sessions of one id are two conversations. tool_messages
    // holds the turn's tool calls and results (JSON; null for a turn without tools).
    private static readonly string CreateTables = $"""
        CREATE TABLE IF NOT EXISTS schema_version (
            version INTEGER PRIMARY KEY,
            applied_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS sessions ({SessionsColumns});
        CREATE TABLE IF NOT EXISTS turns ({TurnsColumns}, {TurnsKeys("sessions")});
        CREATE INDEX IF NOT EXISTS turns_by_session ON turns (tenant, session_id, id);
        INSERT INTO schema_version (version, applied_at) VALUES ($version, $now) ON CONFLICT (version) DO NOTHING;
        """;

    // Version 1 had no owner column. SQLite cannot change a primary key in place, so both tables are rebuilt (the
    // documented way: new table, copy, drop, rename), with foreign keys off so dropping the old sessions does not
    // cascade into the turns being copied. Turn row ids are kept, so history order is unchanged.
    private static readonly string MigrateFromVersion1 = $"""
        CREATE TABLE sessions_v2 ({SessionsColumns});
        INSERT INTO sessions_v2 (tenant, session_id, settings, created_at_us) SELECT $owner, session_id, settings, created_at_us FROM sessions;
        CREATE TABLE turns_v2 ({TurnsColumns}, {TurnsKeys("sessions_v2")});
        INSERT INTO turns_v2 (id, tenant, session_id, turn_id, completed_at_us, user_text, assistant_text, interrupted, tool_messages)
            SELECT id, $owner, session_id, turn_id, completed_at_us, user_text, assistant_text, interrupted, tool_messages FROM turns;
        DROP TABLE turns;
        DROP TABLE sessions;
        ALTER TABLE sessions_v2 RENAME TO sessions;
        ALTER TABLE turns_v2 RENAME TO turns;
        """;

    private static string TurnsKeys(string sessionsTable) =>
        $"FOREIGN KEY (tenant, session_id) REFERENCES {sessionsTable} (tenant, session_id) ON DELETE CASCADE, UNIQUE (tenant, session_id, turn_id, completed_at_us)";

    /// <summary>Settings that live on the connection, not in the file, so every connection needs them.</summary>
    public static void Configure(SqliteConnection connection, SqliteStoreOptions options)
    {
        using var command = connection.CreateCommand();
        var synchronous = options.DurableOnPowerLoss ? "FULL" : "NORMAL";
        var busyMs = (long)options.BusyTimeout.TotalMilliseconds;
        // PRAGMA values cannot be parameters; both are formatted from numbers and a fixed word, never from input.
        command.CommandText = string.Create(CultureInfo.InvariantCulture,
            $"PRAGMA busy_timeout = {busyMs}; PRAGMA synchronous = {synchronous}; PRAGMA foreign_keys = ON;");
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Switches the file to WAL (persistent, so once is enough) and creates what is missing, or upgrades a version-1 file
    /// giving its sessions to <paramref name="existingRowsOwner"/>, in one write transaction: a second start (or a
    /// second process) finds the upgrade done and changes nothing.
    /// </summary>
    public static async Task CreateAsync(SqliteConnection connection, TimeProvider time, TenantId existingRowsOwner, CancellationToken cancellationToken)
    {
        // WAL lets readers run while a turn is being written; it cannot be changed inside a transaction.
        await using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            var mode = (string?)await wal.ExecuteScalarAsync(cancellationToken);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"SQLite refused WAL mode (journal_mode is '{mode}').");
            }
        }

        // Foreign keys can only be switched outside a transaction; the rebuild of a version-1 file needs them off.
        await ExecuteAsync(connection, null, "PRAGMA foreign_keys = OFF;", cancellationToken);
        try
        {
            // IMMEDIATE takes the write lock up front, so two processes starting on one file create the tables one after the other.
            // Microsoft.Data.Sqlite is synchronous (its async methods run the same call); BEGIN IMMEDIATE has no async form.
#pragma warning disable CA1849
            await using var transaction = connection.BeginTransaction(deferred: false);
#pragma warning restore CA1849
            if (await NeedsOwnerColumnAsync(connection, transaction, cancellationToken))
            {
                // The rebuild copies tool_messages: a version-1 file made before tool messages existed gets the column first.
                await AddToolMessagesColumnAsync(connection, transaction, cancellationToken);
                await using var migrate = connection.CreateCommand();
                migrate.Transaction = transaction;
                migrate.CommandText = MigrateFromVersion1;
                migrate.Parameters.AddWithValue("$owner", existingRowsOwner.Value);
                await migrate.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var create = connection.CreateCommand())
            {
                create.Transaction = transaction;
                create.CommandText = CreateTables;
                create.Parameters.AddWithValue("$version", Version);
                create.Parameters.AddWithValue("$now", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            // A version-2 file made before tool messages existed gets the column in place.
            await AddToolMessagesColumnAsync(connection, transaction, cancellationToken);

            await using (var check = connection.CreateCommand())
            {
                check.Transaction = transaction;
                check.CommandText = "SELECT max(version) FROM schema_version;";
                var found = Convert.ToInt32(await check.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
                if (found > Version)
                {
                    throw new NotSupportedException($"The SQLite database has schema version {found}; this build knows only up to {Version}.");
                }
            }

            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            await ExecuteAsync(connection, null, "PRAGMA foreign_keys = ON;", CancellationToken.None);
        }
    }

    /// <summary>True for a version-1 file: a sessions table without the owner column.</summary>
    private static async Task<bool> NeedsOwnerColumnAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sessions')
               AND NOT EXISTS (SELECT 1 FROM pragma_table_info('sessions') WHERE name = 'tenant');
            """;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 1;
    }

    /// <summary>
    /// Adds the nullable <c>tool_messages</c> column to an existing turns table that lacks it (SQLite has no ADD COLUMN
    /// IF NOT EXISTS); rows written before it read as a turn without tool messages.
    /// </summary>
    private static async Task AddToolMessagesColumnAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'turns')
               AND NOT EXISTS (SELECT 1 FROM pragma_table_info('turns') WHERE name = 'tool_messages');
            """;
        if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 1)
        {
            await ExecuteAsync(connection, transaction, "ALTER TABLE turns ADD COLUMN tool_messages TEXT;", cancellationToken);
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static long ToMicroseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    public static DateTimeOffset FromMicroseconds(long microseconds) =>
        DateTimeOffset.UnixEpoch.AddTicks(microseconds * TimeSpan.TicksPerMicrosecond);
}
