namespace VoiceAgent.Providers.Tests.Stores;

/// <summary>
/// Stores as the version before tenants left them (schema version 1, no owner column), for the upgrade tests: session
/// <c>old-1</c> (prompt "from version 1", two turns, the second interrupted) and <c>old-2</c> (one turn).
/// </summary>
public static class Version1Stores
{
    /// <summary>The SQLite schema exactly as version 1 created it, with two sessions and three turns.</summary>
    public const string Sqlite = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);
        CREATE TABLE sessions (session_id TEXT PRIMARY KEY, settings TEXT NOT NULL, created_at_us INTEGER NOT NULL);
        CREATE TABLE turns (
            id INTEGER PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES sessions(session_id) ON DELETE CASCADE,
            turn_id INTEGER NOT NULL,
            completed_at_us INTEGER NOT NULL,
            user_text TEXT NOT NULL,
            assistant_text TEXT NOT NULL,
            interrupted INTEGER NOT NULL,
            UNIQUE (session_id, turn_id, completed_at_us));
        CREATE INDEX turns_by_session ON turns (session_id, id);
        INSERT INTO schema_version VALUES (1, '2026-11-01T00:00:00Z');
        INSERT INTO sessions VALUES ('old-1', '{"system_prompt":"from version 1"}', 1700000000000000);
        INSERT INTO sessions VALUES ('old-2', '{}', 1700000001000000);
        INSERT INTO turns (session_id, turn_id, completed_at_us, user_text, assistant_text, interrupted) VALUES
            ('old-1', 1, 1700000002000000, 'first question', 'first answer', 0),
            ('old-1', 2, 1700000003000000, 'second question', 'cut sh', 1),
            ('old-2', 1, 1700000004000000, 'other', '', 0);
        """;

    /// <summary>The PostgreSQL schema exactly as version 1 created it, with two sessions and three turns.</summary>
    public const string Postgres = """
        CREATE TABLE schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE sessions (session_id text PRIMARY KEY, settings jsonb NOT NULL, created_at timestamptz NOT NULL);
        CREATE TABLE turns (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            session_id text NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
            turn_id bigint NOT NULL,
            completed_at timestamptz NOT NULL,
            user_text text NOT NULL,
            assistant_text text NOT NULL,
            interrupted boolean NOT NULL,
            UNIQUE (session_id, turn_id, completed_at));
        CREATE INDEX turns_by_session ON turns (session_id, id);
        INSERT INTO schema_version (version) VALUES (1);
        INSERT INTO sessions VALUES ('old-1', '{"system_prompt":"from version 1"}', '2026-11-01T10:00:00Z');
        INSERT INTO sessions VALUES ('old-2', '{}', '2026-11-01T10:00:01Z');
        INSERT INTO turns (session_id, turn_id, completed_at, user_text, assistant_text, interrupted) VALUES
            ('old-1', 1, '2026-11-01T10:00:02Z', 'first question', 'first answer', false),
            ('old-1', 2, '2026-11-01T10:00:03Z', 'second question', 'cut sh', true),
            ('old-2', 1, '2026-11-01T10:00:04Z', 'other', '', false);
        """;
}
