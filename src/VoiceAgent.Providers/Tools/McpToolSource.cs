using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace VoiceAgent.Providers.Tools;

/// <summary>
/// The configured MCP servers (stdio or Streamable HTTP, through the official client) and the tools they list. A server
/// that cannot be started or reached is logged, reported in <see cref="Status"/> and retried; one that goes away has its
/// tools withdrawn and listed afresh when it is back. The others serve regardless.
/// </summary>
public sealed class McpToolSource(IReadOnlyList<McpServerOptions> servers, McpConnectionTimings timings, ILoggerFactory loggers, TimeProvider time) : IAsyncDisposable
{
    private readonly ILogger _logger = loggers.CreateLogger("VoiceAgent.Tools.Mcp");
    private readonly CancellationTokenSource _stopping = new();
    private IReadOnlyList<McpServerConnection> _connections = [];
    private Task _running = Task.CompletedTask;
    private int _disposed;

    /// <summary>The tools of every connected server, in configuration order, each with its server's timeout (0: the default).</summary>
    public IReadOnlyList<(AIFunction Tool, int TimeoutMs)> Tools => [.. Volatile.Read(ref _connections).SelectMany(c => c.Tools)];

    public IReadOnlyList<McpServerStatus> Status => [.. servers.Select(s =>
        Volatile.Read(ref _connections).FirstOrDefault(c => c.Name == s.Name)?.Status ?? new McpServerStatus(s.Name, false, 0, "not started yet"))];

    /// <summary>Starts keeping every server connected and waits for each one's first attempt; never throws for a server's failure.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var connections = servers.Select(s => new McpServerConnection(s, timings, loggers, _logger, time)).ToList();
        var first = connections.Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToList();
        Volatile.Write(ref _connections, connections);
        _running = Task.WhenAll(connections.Select((c, i) => c.RunAsync(first[i], _stopping.Token)));
        await Task.WhenAll(first.Select(f => f.Task)).WaitAsync(cancellationToken);
    }

    /// <summary>Stops reconnecting and closes every session; the host stops it and then disposes it, so a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _stopping.CancelAsync();
            await _running;
            _stopping.Dispose();
        }
    }
}
