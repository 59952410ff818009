using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Api.Hosting;

namespace VoiceAgent.Api.Tests.Infrastructure;

/// <summary>The real service, on Kestrel at 127.0.0.1 and a free port, with the real engines unless a test swaps one.</summary>
public sealed class ServiceHost : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private ServiceHost(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = Timeout };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "test-key");
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    /// <summary>A client that sends <c>Authorization: Bearer test-key</c>.</summary>
    public HttpClient Http { get; }

    public Uri WebSocketUri(string path) => new($"ws://{Address.Authority}{path}");

    public T Service<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    /// <param name="settings">Configuration, as command-line arguments.</param>
    /// <param name="services">Changes to the host's services.</param>
    /// <param name="configure">Changes to the builder (for example one more configuration source that reloads).</param>
    public static async Task<ServiceHost> StartAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, Action<WebApplicationBuilder>? configure = null)
    {
        // Settings go in as command-line configuration, so they are there when the host registers its services,
        // as appsettings.json and environment variables are for a real start.
        var all = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = Environment.GetEnvironmentVariable("VA_TEST_LOG") ?? "Warning",
            ["VoiceAgent:Store:Provider"] = "Memory",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        string[] args = ["--urls", "http://127.0.0.1:0", .. all.Where(kv => kv.Value is not null).Select(kv => $"--{kv.Key}={kv.Value}")];
        var app = VoiceAgentApp.Build(args, builder =>
        {
            configure?.Invoke(builder);
            services?.Invoke(builder.Services);
        });
        try
        {
            await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            // A host that fails to start (a test of start-up checks) must not leave its port or engines behind.
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ServiceHost(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync().WaitAsync(Timeout);
        await App.DisposeAsync();
    }
}
