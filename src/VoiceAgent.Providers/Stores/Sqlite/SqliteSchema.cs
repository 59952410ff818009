using System.Globalization;
using Microsoft.Data.Sqlite;

namespace VoiceAgent.Providers.Stores.Sqlite;

/// <summary>The SQLite store's tables, created when missing, and the per-connection settings every connection gets.</summary>
internal static class SqliteSchema
{
    public const int Version = 1;

    // One row per turn rather than per message: a turn is then written by one atomic INSERT, and the unique key is
    // exactly the idempotency key of AppendTurnAsync. Times are UTC microseconds since the Unix epoch, the precision
    // PostgreSQL keeps, so both stores treat the same CompletedAt alike.
    private const string CreateTables = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version INTEGER PRIMARY KEY,
            applied_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS sessions (
            session_id TEXT PRIMARY KEY,
            settings TEXT NOT NULL,
            created_at_us INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS turns (
            id INTEGER PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES sessions(session_id) ON DELETE CASCADE,
            turn_id INTEGER NOT NULL,
            completed_at_us INTEGER NOT NULL,
            user_text TEXT NOT NULL,
            assistant_text TEXT NOT NULL,
            interrupted INTEGER NOT NULL,
            UNIQUE (session_id, turn_id, completed_at_us));
        CREATE INDEX IF NOT EXISTS turns_by_session ON turns (session_id, id);
        INSERT INTO schema_version (version, applied_at) VALUES ($version, $now) ON CONFLICT (version) DO NOTHING;
        """;

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

    /// <summary>Switches the file to WAL (persistent, so once is enough) and creates what is missing, in one write transaction.</summary>
    public static async Task CreateAsync(SqliteConnection connection, TimeProvider time, CancellationToken cancellationToken)
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

        // IMMEDIATE takes the write lock up front, so two processes starting on one file create the tables one after the other.
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using (var create = connection.CreateCommand())
        {
            create.Transaction = transaction;
            create.CommandText = CreateTables;
            create.Parameters.AddWithValue("$version", Version);
            create.Parameters.AddWithValue("$now", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        // The turn's tool calls and results (JSON, null without tools), added in place to files made before they existed:
        // SQLite has no ADD COLUMN IF NOT EXISTS.
        await using (var column = connection.CreateCommand())
        {
            column.Transaction = transaction;
            column.CommandText = "SELECT count(*) FROM pragma_table_info('turns') WHERE name = 'tool_messages';";
            if (Convert.ToInt32(await column.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 0)
            {
                column.CommandText = "ALTER TABLE turns ADD COLUMN tool_messages TEXT;";
                await column.ExecuteNonQueryAsync(cancellationToken);
            }
        }

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

    public static long ToMicroseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    public static DateTimeOffset FromMicroseconds(long microseconds) =>
        DateTimeOffset.UnixEpoch.AddTicks(microseconds * TimeSpan.TicksPerMicrosecond);
}
