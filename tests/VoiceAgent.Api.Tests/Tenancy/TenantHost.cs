using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Api.Tests.Recorded;

namespace VoiceAgent.Api.Tests.Tenancy;

/// <summary>
/// The real host with three named keys (alice-app, bob-app given only by its SHA-256, and an operator), one plain
/// <c>ApiKeys</c> key, a local vision model as the LLM (so every socket answers and every prompt it was sent can be
/// read back), its own upload folder, and every log line captured.
/// </summary>
public sealed class TenantHost : IAsyncDisposable
{
    private TenantHost(ServiceHost host, FakeVisionModel model, DirectoryInfo uploads, LogLines logs)
    {
        Host = host;
        Model = model;
        Uploads = uploads;
        Logs = logs;
    }

    public string AliceKey { get; } = "alice-" + Guid.NewGuid().ToString("N");

    public string BobKey { get; } = "bob-" + Guid.NewGuid().ToString("N");

    public string OpsKey { get; } = "ops-" + Guid.NewGuid().ToString("N");

    public string LegacyKey { get; } = "legacy-" + Guid.NewGuid().ToString("N");

    public IEnumerable<string> AllKeys => [AliceKey, BobKey, OpsKey, LegacyKey];

    public ServiceHost Host { get; private set; }

    public FakeVisionModel Model { get; }

    public DirectoryInfo Uploads { get; }

    public LogLines Logs { get; }

    public static async Task<TenantHost> StartAsync(IDictionary<string, string?> store)
    {
        var model = FakeVisionModel.Start();
        var uploads = Directory.CreateTempSubdirectory("va-tenant-uploads-");
        var logs = new LogLines();
        var tenant = new TenantHost(null!, model, uploads, logs);
        var settings = new Dictionary<string, string?>(store)
        {
            // Everything the service itself logs, at every level; ASP.NET Core's request lines as shipped (Warning).
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["VoiceAgent:Auth:Keys:0:Name"] = "alice-app",
            ["VoiceAgent:Auth:Keys:0:Key"] = tenant.AliceKey,
            ["VoiceAgent:Auth:Keys:1:Name"] = "bob-app",
            ["VoiceAgent:Auth:Keys:1:KeySha256"] = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(tenant.BobKey))),
            ["VoiceAgent:Auth:Keys:2:Name"] = "ops",
            ["VoiceAgent:Auth:Keys:2:Key"] = tenant.OpsKey,
            ["VoiceAgent:Auth:Keys:2:Operator"] = "true",
            ["VoiceAgent:Auth:ApiKeys:0"] = tenant.LegacyKey,
            ["VoiceAgent:Llm:Provider"] = "OpenAI",
            ["VoiceAgent:Llm:OpenAI:BaseUrl"] = model.BaseUrl,
            ["VoiceAgent:Llm:OpenAI:ApiKey"] = "vision-key",
            ["VoiceAgent:Llm:OpenAI:Model"] = "vision-test",
            ["VoiceAgent:Llm:Vision"] = "true",
            ["VoiceAgent:Recorded:StoragePath"] = uploads.FullName,
        };
        tenant.Host = await ServiceHost.StartAsync(settings, logs.AddTo);
        return tenant;
    }

    /// <summary>A client that sends <c>Authorization: Bearer {key}</c>.</summary>
    public HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = Host.Address, Timeout = ServiceHost.Timeout };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>GET /sessions/{id} as <paramref name="key"/>: the status and, when 200, the body.</summary>
    public async Task<(int Status, JsonElement Body)> GetSessionAsync(string key, string id)
    {
        using var client = Client(key);
        using var response = await client.GetAsync($"/sessions/{id}").WaitAsync(ServiceHost.Timeout);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(ServiceHost.Timeout);
        return ((int)response.StatusCode, body);
    }

    public async Task<int> CreateSessionAsync(string key, string id, string prompt)
    {
        using var client = Client(key);
        using var response = await client.PostAsJsonAsync("/sessions", new { session_id = id, system_prompt = prompt }).WaitAsync(ServiceHost.Timeout);
        return (int)response.StatusCode;
    }

    /// <summary>True when a request the LLM received contains <paramref name="text"/> anywhere (prompt or history).</summary>
    public bool ModelWasSent(string text) => Model.Requests.Any(r => r.GetRawText().Contains(text, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        await Model.DisposeAsync();
        Uploads.Delete(recursive: true);
    }
}
