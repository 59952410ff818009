using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;

namespace VoiceAgent.Providers.Tools;

/// <summary>
/// The configured MCP servers (stdio or Streamable HTTP, through the official client) and the tools they list. A server
/// that cannot be started or reached is logged and reported in <see cref="Status"/>; the others serve regardless.
/// </summary>
public sealed partial class McpToolSource(IReadOnlyList<McpServerOptions> servers, ILoggerFactory loggers, TimeProvider time) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, McpServerStatus> _status = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<McpClient> _clients = [];
    private readonly ILogger _logger = loggers.CreateLogger("VoiceAgent.Tools.Mcp");
    private IReadOnlyList<(AIFunction Tool, int TimeoutMs)> _tools = [];

    /// <summary>The tools of every connected server, each with its server's timeout (0: the default).</summary>
    public IReadOnlyList<(AIFunction Tool, int TimeoutMs)> Tools => Volatile.Read(ref _tools);

    public IReadOnlyList<McpServerStatus> Status => [.. servers.Select(s => _status.TryGetValue(s.Name, out var st) ? st : new McpServerStatus(s.Name, false, 0, "not started yet"))];

    /// <summary>Connects to every server at once and lists their tools; never throws for a server's failure.</summary>
    public async Task StartAsync(TimeSpan connectTimeout, CancellationToken cancellationToken)
    {
        var listed = await Task.WhenAll(servers.Select(s => ConnectAsync(s, connectTimeout, cancellationToken)));
        Volatile.Write(ref _tools, [.. listed.SelectMany(t => t)]);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }
    }

    private async Task<IReadOnlyList<(AIFunction, int)>> ConnectAsync(McpServerOptions server, TimeSpan connectTimeout, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(connectTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            var client = await McpClient.CreateAsync(Transport(server), new McpClientOptions { TimeProvider = time }, loggers, linked.Token);
            _clients.Add(client);
            var tools = await client.ListToolsAsync(cancellationToken: linked.Token);
            _status[server.Name] = new McpServerStatus(server.Name, true, tools.Count, null);
            LogConnected(_logger, server.Name, tools.Count);
            return [.. tools.Select(t => ((AIFunction)t, server.TimeoutMs))];
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var error = deadline.IsCancellationRequested ? $"no answer within {connectTimeout.TotalSeconds:0} s" : ex.Message;
            _status[server.Name] = new McpServerStatus(server.Name, false, 0, error);
            LogUnavailable(_logger, server.Name, error, ex);
            return [];
        }
    }

    private IClientTransport Transport(McpServerOptions server) => server.Command is { Length: > 0 } command
        ? new StdioClientTransport(
            new StdioClientTransportOptions
            {
                Name = server.Name,
                Command = command,
                Arguments = server.Arguments,
                EnvironmentVariables = server.Environment,
            },
            loggers)
        : new HttpClientTransport(
            new HttpClientTransportOptions
            {
                Name = server.Name,
                Endpoint = new Uri(server.Url ?? throw new ArgumentException($"VoiceAgent:Tools:Mcp: server '{server.Name}' needs a Command or a Url.")),
                TransportMode = HttpTransportMode.StreamableHttp,
                AdditionalHeaders = server.Headers,
            },
            loggers);

    [LoggerMessage(Level = LogLevel.Information, Message = "MCP server {Server} connected with {Tools} tools")]
    private static partial void LogConnected(ILogger logger, string server, int tools);

    [LoggerMessage(Level = LogLevel.Error, Message = "MCP server {Server} is unavailable: {Error}; its tools are not offered")]
    private static partial void LogUnavailable(ILogger logger, string server, string error, Exception exception);
}
