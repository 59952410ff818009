using System.Net;
using System.Net.Sockets;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Providers.Stores.Postgres;

namespace VoiceAgent.Providers.Tests.Stores;

/// <summary>What the PostgreSQL store says when it cannot connect; needs no server, so it always runs.</summary>
public sealed class PostgresConnectionFailureTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_unreachable_server_names_the_store_and_the_target_but_never_the_password()
    {
        // A port that was free a moment ago: the connection is refused at once.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        await using var store = new PostgresConversationStore(new PostgresStoreOptions
        {
            ConnectionString = $"Host=127.0.0.1;Port={port};Database=voiceagent;Username=agent;Password=s3cret-Pa55;Timeout=5",
        });

        var ex = await Should.ThrowAsync<ConversationStoreUnavailableException>(() => store.InitializeAsync().WaitAsync(Timeout));
        ex.Store.ShouldBe("PostgreSQL");
        ex.Target.ShouldBe($"127.0.0.1:{port}/voiceagent as agent");
        ex.Message.ShouldContain($"127.0.0.1:{port}/voiceagent");
        ex.ToString().ShouldNotContain("s3cret-Pa55");
    }
}
