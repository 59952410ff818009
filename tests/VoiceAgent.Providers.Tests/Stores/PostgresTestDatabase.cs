using Npgsql;

namespace VoiceAgent.Providers.Tests.Stores;

/// <summary>
/// A fresh database <c>va_test_&lt;random&gt;</c> on the server named by <c>VOICEAGENT_TEST_POSTGRES</c>, dropped
/// afterwards, so test classes and parallel runs never see each other's rows. Does nothing when the variable is unset.
/// </summary>
public sealed class PostgresTestDatabase : IAsyncLifetime
{
    public const string Variable = "VOICEAGENT_TEST_POSTGRES";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly string _name = $"va_test_{Guid.NewGuid():N}";

    public static string? AdminConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>The test database's connection string (empty when the variable is unset).</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (AdminConnectionString is not { } admin)
        {
            return;
        }

        // A database name cannot be a parameter; this one is built from a GUID only.
        await ExecuteAsync(admin, $"CREATE DATABASE {_name}");
        ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = _name }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (AdminConnectionString is { } admin && ConnectionString.Length > 0)
        {
            // FORCE ends the stores' pooled connections that may still be open.
            await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {_name} WITH (FORCE)");
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        // No pooling: the admin connection must not linger on the server after the test.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync().WaitAsync(Timeout);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync().WaitAsync(Timeout);
    }
}
