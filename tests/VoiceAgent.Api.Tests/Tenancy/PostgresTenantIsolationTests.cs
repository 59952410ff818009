using VoiceAgent.Providers.Tests.Stores;

namespace VoiceAgent.Api.Tests.Tenancy;

/// <summary>Tenant isolation on a PostgreSQL database of its own; SKIPPED when <c>VOICEAGENT_TEST_POSTGRES</c> is unset.</summary>
public sealed class PostgresTenantIsolationTests : TenantIsolationTests
{
    private readonly PostgresTestDatabase _database = new();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DisposeAsync();
    }

    protected override async Task<IDictionary<string, string?>?> StoreAsync()
    {
        if (PostgresTestDatabase.AdminConnectionString is null)
        {
            return null;
        }

        await _database.InitializeAsync();
        return new Dictionary<string, string?>
        {
            ["VoiceAgent:Store:Provider"] = "Postgres",
            ["VoiceAgent:Store:Postgres:ConnectionString"] = _database.ConnectionString,
        };
    }

    [PostgresFact]
    public Task Another_key_gets_404_for_a_session_and_cannot_delete_it() => Check_another_key_gets_404_for_a_session_and_cannot_delete_it();

    [PostgresFact]
    public Task A_voice_call_on_another_keys_session_id_is_a_conversation_of_its_own() => Check_a_voice_call_on_another_keys_session_id_is_a_conversation_of_its_own();

    [PostgresFact]
    public Task The_recorded_sockets_answer_in_the_callers_own_session_and_keep_uploads_apart() => Check_the_recorded_sockets_answer_in_the_callers_own_session_and_keep_uploads_apart();

    [PostgresFact]
    public Task Metrics_need_an_operator_key_and_name_keys_by_their_names() => Check_metrics_need_an_operator_key_and_name_keys_by_their_names();

    [PostgresFact]
    public Task No_log_line_contains_a_key_and_lines_of_a_call_name_the_keys_name() => Check_no_log_line_contains_a_key_and_lines_of_a_call_name_the_keys_name();
}
