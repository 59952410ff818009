using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Providers.Tests.Stores;

namespace VoiceAgent.Api.Tests.VoiceCall;

/// <summary>History survives a restart (SQLite file) and is shared by hosts on one PostgreSQL.</summary>
public sealed class RestartSafetyTests
{
    private static readonly byte[] Question = TestAudio.FlitePcm("what is twelve times seven", silenceMs: 1000);

    [Fact]
    public async Task A_new_host_on_the_same_sqlite_file_continues_the_session()
    {
        var dir = Directory.CreateTempSubdirectory("va-restart-");
        try
        {
            var settings = new Dictionary<string, string?> { ["VoiceAgent:Store:Provider"] = "Sqlite", ["VoiceAgent:Store:Sqlite:Path"] = Path.Combine(dir.FullName, "va.db") };
            await ContinueAcrossHostsAsync(settings, settings);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [PostgresFact]
    public async Task Two_hosts_on_one_postgres_serve_the_same_session_one_after_the_other()
    {
        var db = new PostgresTestDatabase();
        await db.InitializeAsync();
        try
        {
            var settings = new Dictionary<string, string?> { ["VoiceAgent:Store:Provider"] = "Postgres", ["VoiceAgent:Store:Postgres:ConnectionString"] = db.ConnectionString };
            await ContinueAcrossHostsAsync(settings, settings, keepFirst: true);
        }
        finally
        {
            await db.DisposeAsync();
        }
    }

    private static async Task ContinueAcrossHostsAsync(Dictionary<string, string?> first, Dictionary<string, string?> second, bool keepFirst = false)
    {
        var session = $"restart-{Guid.NewGuid():N}";
        var a = await ServiceHost.StartAsync(first);
        string heard;
        await using (var call = await VoiceCallClient.ConnectAsync(a))
        {
            await call.StreamAsync(session, Question, pace: false);
            var final = await call.WaitForAsync("asr", j => j.GetProperty("final").GetBoolean());
            heard = final.Json!.Value.GetProperty("msg").GetString()!;
            await call.WaitForAsync("turn_end");
        }

        if (!keepFirst)
        {
            await a.DisposeAsync();
        }

        try
        {
            await using var b = await ServiceHost.StartAsync(second, s =>
            {
                s.AddSingleton(sp => new RecordingChatClient(sp.GetRequiredKeyedService<IChatClient>("Embedded")));
                s.AddSingleton<IChatClient>(sp => sp.GetRequiredService<RecordingChatClient>());
            });
            await using var again = await VoiceCallClient.ConnectAsync(b);
            await again.StreamAsync(session, Question, pace: false);
            await again.WaitForAsync("turn_end");
            var request = b.Service<RecordingChatClient>().Requests.Single();
            request.Count.ShouldBe(3);
            request[0].Text.ShouldBe(heard);
            request[1].Role.ShouldBe(ChatRole.Assistant);
            request[1].Text.ShouldContain("84");
        }
        finally
        {
            if (keepFirst)
            {
                await a.DisposeAsync();
            }
        }
    }
}
