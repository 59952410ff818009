using System.Net.WebSockets;

namespace VoiceAgent.Providers.DashScope;

/// <summary>
/// One WebSocket to DashScope's inference endpoint, carrying one task at a time: JSON commands out, JSON events and
/// binary audio in. Socket errors surface as <see cref="DashScopeTaskFailedException"/> (transient engine failures).
/// </summary>
/// <remarks>
/// DashScope publishes SDKs for Python and Java only; for .NET Alibaba documents the WebSocket protocol itself, which is
/// what this speaks through <see cref="ClientWebSocket"/>. The key goes in the upgrade's Authorization header only.
/// </remarks>
internal sealed class DashScopeConnection : IDisposable
{
    private const int MaxMessageBytes = 4 * 1024 * 1024; // a server message larger than this is a broken server, not audio
    private readonly ClientWebSocket _socket;
    private readonly string _engine;
    private byte[] _buffer = new byte[16 * 1024];

    private DashScopeConnection(ClientWebSocket socket, string engine)
    {
        _socket = socket;
        _engine = engine;
    }

    /// <summary>When the connection last finished a task (for the pool's idle limit).</summary>
    public DateTimeOffset IdleSince { get; set; }

    public bool IsOpen => _socket.State == WebSocketState.Open;

    public static async Task<DashScopeConnection> ConnectAsync(DashScopeEngineOptions options, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        try
        {
            if (!string.IsNullOrEmpty(options.ApiKey))
            {
                socket.Options.SetRequestHeader("Authorization", "bearer " + options.ApiKey);
            }

            if (!string.IsNullOrEmpty(options.Workspace))
            {
                socket.Options.SetRequestHeader("X-DashScope-WorkSpace", options.Workspace);
            }

            socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(15);
            await socket.ConnectAsync(new Uri(options.BaseUrl), cancellationToken);
            return new DashScopeConnection(socket, options.Name);
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException)
        {
            socket.Dispose();
            throw new DashScopeTaskFailedException($"DashScope engine '{options.Name}' could not connect: {ex.Message}", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public Task SendCommandAsync(byte[] json, CancellationToken cancellationToken) =>
        Guard(() => _socket.SendAsync(new ReadOnlyMemory<byte>(json), WebSocketMessageType.Text, endOfMessage: true, cancellationToken).AsTask());

    public Task SendAudioAsync(ReadOnlyMemory<byte> pcm, CancellationToken cancellationToken) =>
        Guard(() => _socket.SendAsync(pcm, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).AsTask());

    /// <summary>The next message: an event, or (Event null) a binary frame of audio. A closed socket is a failure: tasks end with task-finished.</summary>
    public async Task<(DashScopeEvent? Event, byte[] Audio)> ReceiveAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        ValueWebSocketReceiveResult result;
        try
        {
            do
            {
                if (count == _buffer.Length)
                {
                    if (_buffer.Length >= MaxMessageBytes)
                    {
                        throw new DashScopeTaskFailedException($"DashScope engine '{_engine}' sent a message over {MaxMessageBytes} bytes.");
                    }

                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }

                result = await _socket.ReceiveAsync(_buffer.AsMemory(count), cancellationToken);
                count += result.Count;
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
        }
        catch (WebSocketException ex)
        {
            throw new DashScopeTaskFailedException($"DashScope engine '{_engine}': the connection broke ({ex.Message}).", ex);
        }

        return result.MessageType switch
        {
            WebSocketMessageType.Close => throw new DashScopeTaskFailedException($"DashScope engine '{_engine}' closed the connection mid-task ({_socket.CloseStatus} {_socket.CloseStatusDescription})."),
            WebSocketMessageType.Binary => (null, _buffer.AsSpan(0, count).ToArray()),
            _ => (DashScopeEvent.Parse(_buffer.AsSpan(0, count)), []),
        };
    }

    /// <summary>Sends run-task and waits for task-started; a task-failed (a bad voice, model or key) throws.</summary>
    public async Task StartTaskAsync(byte[] runTask, string taskId, CancellationToken cancellationToken)
    {
        await SendCommandAsync(runTask, cancellationToken);
        while (true)
        {
            var (e, _) = await ReceiveAsync(cancellationToken);
            if (e is null || e.TaskId != taskId)
            {
                continue; // stray audio or events of an earlier task on a reused socket
            }

            if (e.Event == DashScopeEvent.TaskStarted)
            {
                return;
            }

            if (e.Event == DashScopeEvent.TaskFailed)
            {
                throw new DashScopeTaskFailedException(_engine, e.ErrorCode, e.ErrorMessage);
            }
        }
    }

    /// <summary>Stops at once (barge-in, a failed task): the protocol has no cancel command, so the socket is dropped.</summary>
    public void Abort() => _socket.Abort();

    public void Dispose() => _socket.Dispose();

    private async Task Guard(Func<Task> send)
    {
        try
        {
            await send();
        }
        catch (WebSocketException ex)
        {
            throw new DashScopeTaskFailedException($"DashScope engine '{_engine}': the connection broke ({ex.Message}).", ex);
        }
    }
}
