using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using VoiceAgent.Api.Tests.Infrastructure;

namespace VoiceAgent.Api.Tests.Reliability;

/// <summary>
/// A lean voice-call client for fuzzing: sends raw messages, reads everything the server sends as it goes, and keeps only
/// the error frames (in order) and counts of the rest, so a long run costs little memory.
/// </summary>
public sealed class FuzzConnection : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _progress = new(0);
    private readonly TaskCompletionSource _session = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(int Code, string Message)> _errors = [];
    private readonly CancellationTokenSource _cts = new();
    private Task _receiving = Task.CompletedTask;
    private int _errorCount;

    public int ErrorCount => Volatile.Read(ref _errorCount);

    public long BinaryBytesReceived { get; private set; }

    public int OtherFramesReceived { get; private set; }

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseReason => _socket.CloseStatusDescription;

    public IReadOnlyList<(int Code, string Message)> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    public static async Task<FuzzConnection> OpenAsync(ServiceHost host, string sessionId)
    {
        var c = new FuzzConnection();
        c._socket.Options.SetRequestHeader("Authorization", "Bearer test-key");
        await c._socket.ConnectAsync(host.WebSocketUri("/chat/voice_call"), CancellationToken.None).WaitAsync(ServiceHost.Timeout);
        c._receiving = Task.Run(c.ReceiveLoopAsync);
        await c.SendAsync(Encoding.UTF8.GetBytes($"{{\"meta_info\":{{\"session_id\":\"{sessionId}\",\"encoding\":\"raw\"}}}}"), binary: false);
        await c._session.Task.WaitAsync(ServiceHost.Timeout);
        return c;
    }

    public async Task SendAsync(byte[] data, bool binary) =>
        await _socket.SendAsync(data, binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, true, _cts.Token).WaitAsync(ServiceHost.Timeout);

    /// <summary>Waits until at most <paramref name="outstanding"/> of the <paramref name="expected"/> errors are still unanswered.</summary>
    public async Task WaitForErrorsAsync(int expected, int outstanding)
    {
        while (expected - ErrorCount > outstanding)
        {
            if (!await _progress.WaitAsync(ServiceHost.Timeout))
            {
                throw new TimeoutException($"only {ErrorCount} of {expected} error frames arrived");
            }
        }
    }

    /// <summary>Waits until the server has closed the call.</summary>
    public Task WaitForCloseAsync(TimeSpan timeout) => _receiving.WaitAsync(timeout);

    /// <summary>Drops the connection without a close handshake, as a client that crashes or loses the network does.</summary>
    public void Abort() => _socket.Abort();

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        _socket.Abort();
        await _receiving.ContinueWith(_ => { }, TaskScheduler.Default);
        _socket.Dispose();
        _cts.Dispose();
        _progress.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (_socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                message.SetLength(0);
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(), _cts.Token);
                    await message.WriteAsync(buffer.AsMemory(0, result.Count), CancellationToken.None);
                }
                while (!result.EndOfMessage);

                switch (result.MessageType)
                {
                    case WebSocketMessageType.Close:
                        return;
                    case WebSocketMessageType.Binary:
                        BinaryBytesReceived += message.Length;
                        break;
                    default:
                        OnText(message.GetBuffer().AsSpan(0, (int)message.Length));
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
    }

    private void OnText(ReadOnlySpan<byte> json)
    {
        using var doc = JsonDocument.Parse(json.ToArray());
        var root = doc.RootElement;
        switch (root.GetProperty("type").GetString())
        {
            case "error":
                lock (_errors)
                {
                    _errors.Add((root.GetProperty("code").GetInt32(), root.GetProperty("msg").GetString()!));
                }

                Interlocked.Increment(ref _errorCount);
                _progress.Release();
                break;
            case "session":
                _session.TrySetResult();
                break;
            default:
                OtherFramesReceived++;
                break;
        }
    }
}
