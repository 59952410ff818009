namespace VoiceAgent.Providers.Tests.Stores;

/// <summary>A fact that needs a PostgreSQL server: SKIPPED, not passed, when <c>VOICEAGENT_TEST_POSTGRES</c> is unset.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresTestDatabase.AdminConnectionString is null)
        {
            Skip = $"{PostgresTestDatabase.Variable} is not set";
        }
    }
}
