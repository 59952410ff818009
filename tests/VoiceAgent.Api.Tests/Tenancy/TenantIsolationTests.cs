using System.Net;
using System.Net.WebSockets;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Api.Tests.Recorded;

namespace VoiceAgent.Api.Tests.Tenancy;

/// <summary>
/// Two keys against every endpoint and socket that touches a session, on a real store: no read, write, delete or
/// continuation across keys, and one session id used by two keys is two conversations. Each store's subclass runs
/// every check as a fact of its own (SQLite always, PostgreSQL when a server is given).
/// </summary>
public abstract class TenantIsolationTests : IAsyncLifetime
{
    private static readonly Lazy<byte[]> QuestionPcm = new(() => TestAudio.FlitePcm("what is twelve times seven", silenceMs: 1000));
    private static readonly Lazy<byte[]> QuestionWav = new(() => TestAudio.FliteWav("what is twelve times seven"));
    private static readonly byte[] Image = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. Enumerable.Range(0, 2000).Select(i => (byte)i)];

    private readonly string _prefix = Guid.NewGuid().ToString("N")[..10];

    protected TenantHost Tenants { get; private set; } = null!;

    /// <summary>The store's settings (provider and where it is); null when this store cannot run here (the facts skip).</summary>
    protected abstract Task<IDictionary<string, string?>?> StoreAsync();

    public async Task InitializeAsync()
    {
        if (await StoreAsync() is { } store)
        {
            Tenants = await TenantHost.StartAsync(store);
        }
    }

    public virtual async Task DisposeAsync()
    {
        if (Tenants is not null)
        {
            await Tenants.DisposeAsync();
        }
    }

    protected async Task Check_another_key_gets_404_for_a_session_and_cannot_delete_it()
    {
        var id = Id("http");
        (await Tenants.CreateSessionAsync(Tenants.AliceKey, id, "Alice's private prompt")).ShouldBe(201);

        var (status, body) = await Tenants.GetSessionAsync(Tenants.BobKey, id);
        status.ShouldBe(404); // not 403: whether the id exists for someone else is not told
        body.GetProperty("error").GetProperty("code").GetString().ShouldBe("session_not_found");
        (await Tenants.GetSessionAsync(Tenants.LegacyKey, id)).Status.ShouldBe(404);
        using (var bob = Tenants.Client(Tenants.BobKey))
        {
            (await bob.DeleteAsync($"/sessions/{id}").WaitAsync(ServiceHost.Timeout)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        var alice = await Tenants.GetSessionAsync(Tenants.AliceKey, id);
        alice.Status.ShouldBe(200);
        alice.Body.GetProperty("system_prompt").GetString().ShouldBe("Alice's private prompt");

        // The same id for Bob is his own session (201, not 409), and deleting it leaves Alice's.
        (await Tenants.CreateSessionAsync(Tenants.BobKey, id, "Bob's prompt")).ShouldBe(201);
        (await Tenants.GetSessionAsync(Tenants.BobKey, id)).Body.GetProperty("system_prompt").GetString().ShouldBe("Bob's prompt");
        (await Tenants.CreateSessionAsync(Tenants.AliceKey, id, "again")).ShouldBe(409);
        using (var bob = Tenants.Client(Tenants.BobKey))
        {
            (await bob.DeleteAsync($"/sessions/{id}").WaitAsync(ServiceHost.Timeout)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        (await Tenants.GetSessionAsync(Tenants.AliceKey, id)).Body.GetProperty("system_prompt").GetString().ShouldBe("Alice's private prompt");
    }

    protected async Task Check_a_voice_call_on_another_keys_session_id_is_a_conversation_of_its_own()
    {
        var id = Id("call");
        (await Tenants.CreateSessionAsync(Tenants.AliceKey, id, "ALICE-PRIVATE-PROMPT")).ShouldBe(201);

        // Bob calls with that id, authenticated by ?token= as the browser page does.
        await CallAsync(id, query: $"?token={Tenants.BobKey}", bearer: null);
        Tenants.ModelWasSent("ALICE-PRIVATE-PROMPT").ShouldBeFalse();
        var bob = await Tenants.GetSessionAsync(Tenants.BobKey, id);
        bob.Status.ShouldBe(200);
        bob.Body.GetRawText().ShouldNotContain("ALICE-PRIVATE-PROMPT");
        bob.Body.GetProperty("messages").GetArrayLength().ShouldBe(2);
        (await Tenants.GetSessionAsync(Tenants.AliceKey, id)).Body.GetProperty("messages").GetArrayLength().ShouldBe(0);

        // Alice's call on the same id continues her session, with her prompt and without Bob's turn.
        await CallAsync(id, query: "", bearer: Tenants.AliceKey);
        Tenants.ModelWasSent("ALICE-PRIVATE-PROMPT").ShouldBeTrue();
        (await Tenants.GetSessionAsync(Tenants.AliceKey, id)).Body.GetProperty("messages").GetArrayLength().ShouldBe(2);
        (await Tenants.GetSessionAsync(Tenants.BobKey, id)).Body.GetProperty("messages").GetArrayLength().ShouldBe(2);
    }

    protected async Task Check_the_recorded_sockets_answer_in_the_callers_own_session_and_keep_uploads_apart()
    {
        var audioId = Id("rec-audio");
        var vlmId = Id("rec-vlm");
        (await Tenants.CreateSessionAsync(Tenants.AliceKey, audioId, "ALICE-AUDIO-PROMPT")).ShouldBe(201);
        (await Tenants.CreateSessionAsync(Tenants.AliceKey, vlmId, "ALICE-VLM-PROMPT")).ShouldBe(201);

        await using (var audio = await RecordedSocketClient.ConnectAsync(Tenants.Host, $"/v1/chat/audio?session_id={audioId}", key: Tenants.BobKey))
        {
            await audio.SendAllAsync(RecordedSocketClient.Packets(QuestionWav.Value, 8192));
            var complete = await audio.WaitForAsync("audio_complete");
            File.Exists(Path.Combine(Tenants.Uploads.FullName, "bob-app", complete.GetProperty("filename").GetString()!)).ShouldBeTrue();
        }

        await using (var vlm = await RecordedSocketClient.ConnectAsync(Tenants.Host, $"/v1/chat/vlm?session_id={vlmId}", key: Tenants.BobKey))
        {
            await vlm.SendAllAsync([.. RecordedSocketClient.Packets(QuestionWav.Value, 50 * 1024, "audio"), .. RecordedSocketClient.Packets(Image, 50 * 1024, "image")]);
            await vlm.SendAsync(new { type = "end" });
            var complete = await vlm.WaitForAsync("vlm_complete");
            complete.GetProperty("db_saved").GetBoolean().ShouldBeTrue();
            File.Exists(Path.Combine(Tenants.Uploads.FullName, "bob-app", complete.GetProperty("image_file").GetString()!)).ShouldBeTrue();
        }

        Tenants.ModelWasSent("ALICE-AUDIO-PROMPT").ShouldBeFalse();
        Tenants.ModelWasSent("ALICE-VLM-PROMPT").ShouldBeFalse();
        Directory.Exists(Path.Combine(Tenants.Uploads.FullName, "alice-app")).ShouldBeFalse();
        foreach (var id in new[] { audioId, vlmId })
        {
            (await Tenants.GetSessionAsync(Tenants.BobKey, id)).Body.GetProperty("messages").GetArrayLength().ShouldBe(2);
            (await Tenants.GetSessionAsync(Tenants.AliceKey, id)).Body.GetProperty("messages").GetArrayLength().ShouldBe(0);
        }
    }

    protected async Task Check_metrics_need_an_operator_key_and_name_keys_by_their_names()
    {
        (await Tenants.GetSessionAsync(Tenants.AliceKey, Id("nobody"))).Status.ShouldBe(404);
        using (var anonymous = new HttpClient { BaseAddress = Tenants.Host.Address, Timeout = ServiceHost.Timeout })
        {
            (await anonymous.GetAsync("/metrics").WaitAsync(ServiceHost.Timeout)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        foreach (var key in new[] { Tenants.AliceKey, Tenants.BobKey, Tenants.LegacyKey })
        {
            using var client = Tenants.Client(key);
            using var refused = await client.GetAsync("/metrics").WaitAsync(ServiceHost.Timeout);
            refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await refused.Content.ReadAsStringAsync().WaitAsync(ServiceHost.Timeout)).ShouldContain("operator_key_required");
        }

        using var ops = Tenants.Client(Tenants.OpsKey);
        var text = await ops.GetStringAsync("/metrics").WaitAsync(ServiceHost.Timeout);
        text.ShouldContain("voiceagent_auth_requests_total{outcome=\"accepted\",tenant=\"alice-app\"}");
        text.ShouldContain("voiceagent_auth_requests_total{outcome=\"forbidden\",tenant=\"bob-app\"}");
        foreach (var key in Tenants.AllKeys)
        {
            text.ShouldNotContain(key);
        }
    }

    protected async Task Check_no_log_line_contains_a_key_and_lines_of_a_call_name_the_keys_name()
    {
        await CallAsync(Id("logged"), query: $"?token={Tenants.AliceKey}", bearer: null);
        (await Tenants.GetSessionAsync(Tenants.BobKey, Id("logged"))).Status.ShouldBe(404);
        (await Tenants.GetSessionAsync("wrong-" + Tenants.AliceKey, Id("logged"))).Status.ShouldBe(401);
        using (var bob = Tenants.Client(Tenants.BobKey))
        {
            (await bob.GetAsync("/metrics").WaitAsync(ServiceHost.Timeout)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        var lines = Tenants.Logs.All;
        lines.ShouldContain(l => l.Contains("Voice call for session", StringComparison.Ordinal) && l.Contains("KeyName=alice-app", StringComparison.Ordinal));
        lines.ShouldContain(l => l.Contains("not an operator key", StringComparison.Ordinal) && l.Contains("bob-app", StringComparison.Ordinal));
        foreach (var key in Tenants.AllKeys)
        {
            lines.Where(l => l.Contains(key, StringComparison.Ordinal)).ShouldBeEmpty();
        }
    }

    protected string Id(string name) => $"{_prefix}-{name}";

    /// <summary>One spoken question on <paramref name="sessionId"/>, to its turn_end; then the call is closed.</summary>
    private async Task CallAsync(string sessionId, string query, string? bearer)
    {
        await using var call = await VoiceCallClient.ConnectAsync(Tenants.Host, query, bearer: bearer is not null, key: bearer ?? "");
        await call.StreamAsync(sessionId, QuestionPcm.Value, pace: false);
        await call.WaitForAsync("turn_end");
        await call.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None).WaitAsync(ServiceHost.Timeout);
    }
}
