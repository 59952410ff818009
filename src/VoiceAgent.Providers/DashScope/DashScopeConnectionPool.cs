using System.Collections.Concurrent;

namespace VoiceAgent.Providers.DashScope;

/// <summary>
/// Idle connections of one engine, reused for the next task: the protocol allows a new run-task on a socket whose task
/// finished, which saves a TLS handshake per sentence and per turn. A connection idle too long is closed instead.
/// </summary>
internal sealed class DashScopeConnectionPool(DashScopeEngineOptions options, TimeProvider time) : IDisposable
{
    // DashScope drops a socket that carries no task for a while; well under that, a reused socket is still open.
    private static readonly TimeSpan MaxIdle = TimeSpan.FromSeconds(20);
    private const int MaxIdleConnections = 16;
    private readonly ConcurrentQueue<DashScopeConnection> _idle = new();

    /// <summary>Opens a task on an idle connection if one is still good, else on a new one.</summary>
    public async Task<DashScopeConnection> StartTaskAsync(byte[] runTask, string taskId, CancellationToken cancellationToken)
    {
        while (_idle.TryDequeue(out var idle))
        {
            if (!idle.IsOpen || time.GetUtcNow() - idle.IdleSince > MaxIdle)
            {
                idle.Dispose();
                continue;
            }

            try
            {
                await idle.StartTaskAsync(runTask, taskId, cancellationToken);
                return idle;
            }
            catch (DashScopeTaskFailedException) when (!cancellationToken.IsCancellationRequested)
            {
                // Closed by the server while idle (or this task failed on it): a fresh connection decides.
                idle.Dispose();
                break;
            }
            catch
            {
                idle.Dispose();
                throw;
            }
        }

        var fresh = await DashScopeConnection.ConnectAsync(options, cancellationToken);
        try
        {
            await fresh.StartTaskAsync(runTask, taskId, cancellationToken);
            return fresh;
        }
        catch
        {
            fresh.Dispose();
            throw;
        }
    }

    /// <summary>Takes back a connection whose task finished; anything else is closed.</summary>
    public void Return(DashScopeConnection connection)
    {
        if (!connection.IsOpen || _idle.Count >= MaxIdleConnections)
        {
            connection.Dispose();
            return;
        }

        connection.IdleSince = time.GetUtcNow();
        _idle.Enqueue(connection);
    }

    public void Dispose()
    {
        while (_idle.TryDequeue(out var c))
        {
            c.Dispose();
        }
    }
}
