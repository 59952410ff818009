using Npgsql;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Providers.Stores.Postgres;

/// <summary>The PostgreSQL store's tables, created when missing under an advisory lock so that hosts starting together do not collide.</summary>
internal static class PostgresSchema
{
    public const int Version = 2;

    // "voiceage" in ASCII: an arbitrary key that other applications' advisory locks are unlikely to use.
    private const long SchemaLockKey = 8534155694513940325;

    // One row per turn: a turn is one atomic INSERT, and the unique key is the idempotency key of AppendTurnAsync.
    // Every row carries its owner (version 2): sessions are keyed by (tenant, session_id).
    // Concurrent CREATE TABLE IF NOT EXISTS can still fail on the catalog's unique index, hence the lock.
    // tool_messages (the turn's tool calls and results, JSON; null without tools) is also added in place, for databases
    // (version 1 being upgraded, or version 2) made before it existed.
    private const string CreateTables = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version integer PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE IF NOT EXISTS sessions (
            tenant text NOT NULL,
            session_id text NOT NULL,
            settings jsonb NOT NULL,
            created_at timestamptz NOT NULL,
            PRIMARY KEY (tenant, session_id));
        CREATE TABLE IF NOT EXISTS turns (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            tenant text NOT NULL,
            session_id text NOT NULL,
            turn_id bigint NOT NULL,
            completed_at timestamptz NOT NULL,
            user_text text NOT NULL,
            assistant_text text NOT NULL,
            interrupted boolean NOT NULL,
            tool_messages jsonb,
            FOREIGN KEY (tenant, session_id) REFERENCES sessions (tenant, session_id) ON DELETE CASCADE,
            UNIQUE (tenant, session_id, turn_id, completed_at));
        CREATE INDEX IF NOT EXISTS turns_by_tenant_session ON turns (tenant, session_id, id);
        ALTER TABLE turns ADD COLUMN IF NOT EXISTS tool_messages jsonb;
        """;

    // A version-1 database: sessions has no owner column.
    private const string NeedsOwnerColumn = """
        SELECT to_regclass('sessions') IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('sessions') AND attname = 'tenant' AND NOT attisdropped)
        """;

    // Version 1 → 2 in place: add the owner to every row, then re-key. The old keys' names are looked up rather than
    // assumed, and dropped in the same transaction, so a failure leaves version 1 untouched.
    private const string DropVersion1Keys = """
        DO $migrate$
        DECLARE c record;
        BEGIN
            FOR c IN SELECT conname, conrelid::regclass AS rel FROM pg_constraint
                     WHERE (conrelid = to_regclass('turns') AND contype IN ('f', 'u'))
                        OR (conrelid = to_regclass('sessions') AND contype = 'p')
                     ORDER BY contype  -- 'f' < 'p': the foreign key goes before the primary key it depends on
            LOOP
                EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.rel, c.conname);
            END LOOP;
        END
        $migrate$;
        DROP INDEX IF EXISTS turns_by_session;
        """;

    private const string AddOwner = """
        ALTER TABLE sessions ADD COLUMN tenant text;
        UPDATE sessions SET tenant = @owner;
        ALTER TABLE sessions ALTER COLUMN tenant SET NOT NULL, ADD PRIMARY KEY (tenant, session_id);
        ALTER TABLE turns ADD COLUMN tenant text;
        UPDATE turns SET tenant = @owner;
        ALTER TABLE turns ALTER COLUMN tenant SET NOT NULL,
            ADD FOREIGN KEY (tenant, session_id) REFERENCES sessions (tenant, session_id) ON DELETE CASCADE,
            ADD UNIQUE (tenant, session_id, turn_id, completed_at);
        """;

    /// <summary>
    /// Creates what is missing, or upgrades a version-1 database giving its sessions to <paramref name="existingRowsOwner"/>,
    /// in one transaction under the lock: the next start (or another host) finds the upgrade done and changes nothing.
    /// </summary>
    public static async Task CreateAsync(NpgsqlConnection connection, TenantId existingRowsOwner, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Transaction-level: released by the commit (or by the rollback if anything below fails), never leaked.
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", SchemaLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var needs = new NpgsqlCommand(NeedsOwnerColumn, connection, transaction))
        {
            if ((bool)(await needs.ExecuteScalarAsync(cancellationToken) ?? false))
            {
                await using (var drop = new NpgsqlCommand(DropVersion1Keys, connection, transaction))
                {
                    await drop.ExecuteNonQueryAsync(cancellationToken);
                }

                await using var migrate = new NpgsqlCommand(AddOwner, connection, transaction);
                migrate.Parameters.AddWithValue("owner", existingRowsOwner.Value);
                await migrate.ExecuteNonQueryAsync(cancellationToken);
            }
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
