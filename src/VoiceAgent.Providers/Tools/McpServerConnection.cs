using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace VoiceAgent.Providers.Tools;

/// <summary>
/// One MCP server kept connected: connect and list its tools; re-list when it says its tools changed; when its session
/// ends (a stdio process exits, a restarted HTTP server answers 404 for the old session) or a periodic listing fails, withdraw its
/// tools and reconnect with a growing delay, listing the tools afresh.
/// </summary>
internal sealed partial class McpServerConnection(McpServerOptions server, McpConnectionTimings timings, ILoggerFactory loggers, ILogger logger, TimeProvider time)
{
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(30);

    private IReadOnlyList<(AIFunction Tool, int TimeoutMs)> _tools = [];
    private McpServerStatus _status = new(server.Name, false, 0, "not started yet");
    private int _connections;

    public string Name => server.Name;

    public IReadOnlyList<(AIFunction Tool, int TimeoutMs)> Tools => Volatile.Read(ref _tools);

    public McpServerStatus Status => Volatile.Read(ref _status);

    /// <summary>Runs until <paramref name="stopping"/>; <paramref name="firstAttempt"/> completes once the first connection has succeeded or failed.</summary>
    public async Task RunAsync(TaskCompletionSource firstAttempt, CancellationToken stopping)
    {
        var delay = timings.ReconnectDelay;
        var failedBefore = false;
        while (!stopping.IsCancellationRequested)
        {
            McpClient? client = null;
            try
            {
                client = await ConnectAsync(stopping);
                await using var relist = client.RegisterNotificationHandler(NotificationMethods.ToolListChangedNotification, (_, ct) => new ValueTask(ListAsync(client, ct)));
                Interlocked.Increment(ref _connections);
                await ListAsync(client, stopping);
                var (tools, connection) = (Status.Tools, Volatile.Read(ref _connections));
                LogConnected(logger, server.Name, tools, connection);
                firstAttempt.TrySetResult();
                (delay, failedBefore) = (timings.ReconnectDelay, false);
                var why = await WatchAsync(client, stopping);
                Publish([], why);
                LogDisconnected(logger, server.Name, why);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                var error = ex is OperationCanceledException ? $"no answer within {timings.ConnectTimeout.TotalSeconds:0} s" : ex.Message;
                Publish([], error);
                if (failedBefore)
                {
                    LogStillUnavailable(logger, server.Name, error);
                }
                else
                {
                    LogUnavailable(logger, server.Name, error, ex);
                }

                failedBefore = true;
            }
            finally
            {
                firstAttempt.TrySetResult();
                if (client is not null)
                {
                    await DisposeQuietlyAsync(client);
                }
            }

            try
            {
                await Task.Delay(delay, time, stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxReconnectDelay.Ticks));
        }
    }

    private async Task<McpClient> ConnectAsync(CancellationToken stopping)
    {
        using var deadline = new CancellationTokenSource(timings.ConnectTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, deadline.Token);
        return await McpClient.CreateAsync(Transport(), new McpClientOptions { TimeProvider = time }, loggers, linked.Token);
    }

    private async Task ListAsync(McpClient client, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timings.ConnectTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var tools = await client.ListToolsAsync(cancellationToken: linked.Token);
        Publish([.. tools.Select(t => ((AIFunction)t, server.TimeoutMs))], null);
    }

    /// <summary>Re-lists the tools every ping interval; returns why the session ended: its completion, or a failed listing (a server gone without a word).</summary>
    private async Task<string> WatchAsync(McpClient client, CancellationToken stopping)
    {
        while (true)
        {
            using var tick = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            var wait = Task.Delay(timings.PingInterval, time, tick.Token);
            if (await Task.WhenAny(client.Completion, wait) == client.Completion)
            {
                await tick.CancelAsync();
                var details = await client.Completion;
                return details.Exception?.Message ?? "the session ended";
            }

            stopping.ThrowIfCancellationRequested();
            try
            {
                // Listing is the probe, not ping: the 2026-07-28 protocol revision has no ping, and a listing also picks up
                // tools a server changed without a list_changed notification.
                await ListAsync(client, stopping);
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                return "listing its tools failed: " + ex.Message;
            }
        }
    }

    private void Publish(IReadOnlyList<(AIFunction Tool, int TimeoutMs)> tools, string? error)
    {
        Volatile.Write(ref _tools, tools);
        Volatile.Write(ref _status, new McpServerStatus(server.Name, error is null, tools.Count, error, Volatile.Read(ref _connections)));
    }

    private async Task DisposeQuietlyAsync(McpClient client)
    {
        try
        {
            await client.DisposeAsync();
        }
        catch (Exception ex)
        {
            // A session whose server is gone may fail to say goodbye; the reconnect goes on regardless.
            LogDisposeFailed(logger, server.Name, ex);
        }
    }

    private IClientTransport Transport() => server.Command is { Length: > 0 } command
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

    [LoggerMessage(Level = LogLevel.Information, Message = "MCP server {Server} connected with {Tools} tools (connection {Connection})")]
    private static partial void LogConnected(ILogger logger, string server, int tools, int connection);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MCP server {Server} disconnected ({Reason}); its tools are withdrawn until it reconnects")]
    private static partial void LogDisconnected(ILogger logger, string server, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "MCP server {Server} is unavailable: {Error}; its tools are not offered, retrying")]
    private static partial void LogUnavailable(ILogger logger, string server, string error, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "MCP server {Server} is still unavailable: {Error}")]
    private static partial void LogStillUnavailable(ILogger logger, string server, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "MCP server {Server}: closing its old session failed")]
    private static partial void LogDisposeFailed(ILogger logger, string server, Exception exception);
}
