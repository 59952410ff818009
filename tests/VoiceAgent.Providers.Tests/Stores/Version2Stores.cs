namespace VoiceAgent.Providers.Tests.Stores;

/// <summary>
/// Stores as schema version 2 first shipped (tenants, but no <c>tool_messages</c> column), for the tests that the column
/// is added in place: session <c>v2</c> of tenant <c>alice-app</c> with one turn.
/// </summary>
public static class Version2Stores
{
    /// <summary>The SQLite version-2 schema without tool messages, with one session and one turn.</summary>
    public const string Sqlite = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);
        CREATE TABLE sessions (
            tenant TEXT NOT NULL,
            session_id TEXT NOT NULL,
            settings TEXT NOT NULL,
            created_at_us INTEGER NOT NULL,
            PRIMARY KEY (tenant, session_id));
        CREATE TABLE turns (
            id INTEGER PRIMARY KEY,
            tenant TEXT NOT NULL,
            session_id TEXT NOT NULL,
            turn_id INTEGER NOT NULL,
            completed_at_us INTEGER NOT NULL,
            user_text TEXT NOT NULL,
            assistant_text TEXT NOT NULL,
            interrupted INTEGER NOT NULL,
            FOREIGN KEY (tenant, session_id) REFERENCES sessions (tenant, session_id) ON DELETE CASCADE,
            UNIQUE (tenant, session_id, turn_id, completed_at_us));
        CREATE INDEX turns_by_session ON turns (tenant, session_id, id);
        INSERT INTO schema_version VALUES (2, '2026-11-20T00:00:00Z');
        INSERT INTO sessions VALUES ('alice-app', 'v2', '{}', 1700000000000000);
        INSERT INTO turns (tenant, session_id, turn_id, completed_at_us, user_text, assistant_text, interrupted) VALUES
            ('alice-app', 'v2', 1, 1700000002000000, 'before tools', 'plain answer', 0);
        """;

    /// <summary>The PostgreSQL version-2 schema without tool messages, with one session and one turn.</summary>
    public const string Postgres = """
        CREATE TABLE schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE sessions (
            tenant text NOT NULL,
            session_id text NOT NULL,
            settings jsonb NOT NULL,
            created_at timestamptz NOT NULL,
            PRIMARY KEY (tenant, session_id));
        CREATE TABLE turns (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            tenant text NOT NULL,
            session_id text NOT NULL,
            turn_id bigint NOT NULL,
            completed_at timestamptz NOT NULL,
            user_text text NOT NULL,
            assistant_text text NOT NULL,
            interrupted boolean NOT NULL,
            FOREIGN KEY (tenant, session_id) REFERENCES sessions (tenant, session_id) ON DELETE CASCADE,
            UNIQUE (tenant, session_id, turn_id, completed_at));
        CREATE INDEX turns_by_tenant_session ON turns (tenant, session_id, id);
        INSERT INTO schema_version (version) VALUES (2);
        INSERT INTO sessions VALUES ('alice-app', 'v2', '{}', '2026-11-20T10:00:00Z');
        INSERT INTO turns (tenant, session_id, turn_id, completed_at, user_text, assistant_text, interrupted) VALUES
            ('alice-app', 'v2', 1, '2026-11-20T10:00:02Z', 'before tools', 'plain answer', false);
        """;
}
