using Microsoft.Data.Sqlite;

namespace VoiceAgent.Api.Tests.Tenancy;

/// <summary>Tenant isolation on a SQLite file of its own.</summary>
public sealed class SqliteTenantIsolationTests : TenantIsolationTests
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("va-tenant-sqlite-");

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    protected override Task<IDictionary<string, string?>?> StoreAsync() =>
        Task.FromResult<IDictionary<string, string?>?>(new Dictionary<string, string?>
        {
            ["VoiceAgent:Store:Provider"] = "Sqlite",
            ["VoiceAgent:Store:Sqlite:Path"] = Path.Combine(_folder.FullName, "va.db"),
        });

    [Fact]
    public Task Another_key_gets_404_for_a_session_and_cannot_delete_it() => Check_another_key_gets_404_for_a_session_and_cannot_delete_it();

    [Fact]
    public Task A_voice_call_on_another_keys_session_id_is_a_conversation_of_its_own() => Check_a_voice_call_on_another_keys_session_id_is_a_conversation_of_its_own();

    [Fact]
    public Task The_recorded_sockets_answer_in_the_callers_own_session_and_keep_uploads_apart() => Check_the_recorded_sockets_answer_in_the_callers_own_session_and_keep_uploads_apart();

    [Fact]
    public Task Metrics_need_an_operator_key_and_name_keys_by_their_names() => Check_metrics_need_an_operator_key_and_name_keys_by_their_names();

    [Fact]
    public Task No_log_line_contains_a_key_and_lines_of_a_call_name_the_keys_name() => Check_no_log_line_contains_a_key_and_lines_of_a_call_name_the_keys_name();
}
