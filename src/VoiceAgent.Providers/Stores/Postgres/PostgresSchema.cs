using Npgsql;

namespace VoiceAgent.Providers.Stores.Postgres;

/// <summary>The PostgreSQL store's tables, created when missing under an advisory lock so that hosts starting together do not collide.</summary>
internal static class PostgresSchema
{
    public const int Version = 1;

    // "voiceage" in ASCII: an arbitrary key that other applications' advisory locks are unlikely to use.
    private const long SchemaLockKey = 8534155694513940325;

    // One row per turn: a turn is one atomic INSERT, and the unique key is the idempotency key of AppendTurnAsync.
    // Concurrent CREATE TABLE IF NOT EXISTS can still fail on the catalog's unique index, hence the lock.
    // tool_messages (the turn's tool calls and results, JSON) is added in place: a nullable column older rows lack.
    private const string CreateTables = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version integer PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE IF NOT EXISTS sessions (
            session_id text PRIMARY KEY,
            settings jsonb NOT NULL,
            created_at timestamptz NOT NULL);
        CREATE TABLE IF NOT EXISTS turns (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            session_id text NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
            turn_id bigint NOT NULL,
            completed_at timestamptz NOT NULL,
            user_text text NOT NULL,
            assistant_text text NOT NULL,
            interrupted boolean NOT NULL,
            UNIQUE (session_id, turn_id, completed_at));
        CREATE INDEX IF NOT EXISTS turns_by_session ON turns (session_id, id);
        ALTER TABLE turns ADD COLUMN IF NOT EXISTS tool_messages jsonb;
        """;

    public static async Task CreateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Transaction-level: released by the commit (or by the rollback if anything below fails), never leaked.
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", SchemaLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var create = new NpgsqlCommand(CreateTables, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var record = new NpgsqlCommand("INSERT INTO schema_version (version) VALUES (@version) ON CONFLICT (version) DO NOTHING", connection, transaction))
        {
            record.Parameters.AddWithValue("version", Version);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var check = new NpgsqlCommand("SELECT max(version) FROM schema_version", connection, transaction))
        {
            var found = (int)(await check.ExecuteScalarAsync(cancellationToken) ?? 0);
            if (found > Version)
            {
                throw new NotSupportedException($"The PostgreSQL database has schema version {found}; this build knows only up to {Version}.");
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
