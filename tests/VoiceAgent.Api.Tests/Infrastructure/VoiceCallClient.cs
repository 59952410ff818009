using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace VoiceAgent.Api.Tests.Infrastructure;

/// <summary>A test client of <c>/chat/voice_call</c> speaking the seed's frames: sends audio at a chosen pace, records everything received in order.</summary>
public sealed class VoiceCallClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<Received> _received = Channel.CreateUnbounded<Received>();
    private readonly CancellationTokenSource _cts = new();
    private Task _receiving = Task.CompletedTask;

    public List<Received> All { get; } = [];

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseReason => _socket.CloseStatusDescription;

    public WebSocket Socket => _socket;

    public static async Task<VoiceCallClient> ConnectAsync(ServiceHost host, string query = "", bool bearer = true, bool read = true, string key = "test-key")
    {
        var client = new VoiceCallClient();
        if (bearer)
        {
            client._socket.Options.SetRequestHeader("Authorization", "Bearer " + key);
        }

        await client._socket.ConnectAsync(host.WebSocketUri("/chat/voice_call" + query), CancellationToken.None).WaitAsync(ServiceHost.Timeout);
        if (read)
        {
            client.StartReading();
        }

        return client;
    }

    public void StartReading() => _receiving = Task.Run(ReceiveLoopAsync);

    public Task SendJsonAsync(object frame) => SendTextAsync(JsonSerializer.Serialize(frame));

    public async Task SendTextAsync(string text) =>
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, _cts.Token).WaitAsync(ServiceHost.Timeout);

    public async Task SendBinaryAsync(byte[] data) =>
        await _socket.SendAsync(data, WebSocketMessageType.Binary, true, _cts.Token).WaitAsync(ServiceHost.Timeout);

    public Task SendAudioAsync(string sessionId, ReadOnlySpan<byte> pcm, bool isClose = false) =>
        SendJsonAsync(new { audio = Convert.ToBase64String(pcm), meta_info = new { session_id = sessionId, encoding = "raw" }, is_close = isClose });

    /// <summary>Streams PCM in chunks of 20–100 ms of varied size, at real-time pace unless <paramref name="pace"/> is false.</summary>
    public async Task StreamAsync(string sessionId, byte[] pcm, bool pace = true, int seed = 1)
    {
        var rng = new Random(seed);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var sentMs = 0.0;
        for (var off = 0; off < pcm.Length;)
        {
            var ms = rng.Next(1, 6) * 20;
            var n = Math.Min(pcm.Length - off, ms * 32);
            await SendAudioAsync(sessionId, pcm.AsSpan(off, n));
            off += n;
            sentMs += n / 32.0;
            if (pace && sentMs > started.Elapsed.TotalMilliseconds)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(sentMs - started.Elapsed.TotalMilliseconds));
            }
        }
    }

    /// <summary>Waits for a JSON frame of <paramref name="type"/> matching <paramref name="match"/>; returns it.</summary>
    public async Task<Received> WaitForAsync(string type, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? ServiceHost.Timeout);
        try
        {
            while (await _received.Reader.WaitToReadAsync(cts.Token))
            {
                while (_received.Reader.TryRead(out var r))
                {
                    if (r.Json is { } j && j.GetProperty("type").GetString() == type && (match?.Invoke(j) ?? true))
                    {
                        return r;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        throw new TimeoutException($"no '{type}' frame arrived; received: {Describe()}");
    }

    /// <summary>Waits until the server closes the socket.</summary>
    public async Task WaitForCloseAsync(TimeSpan? timeout = null)
    {
        await _receiving.WaitAsync(timeout ?? ServiceHost.Timeout);
    }

    public IEnumerable<JsonElement> Json(string type)
    {
        lock (All)
        {
            return [.. All.Where(r => r.Json?.GetProperty("type").GetString() == type).Select(r => r.Json!.Value)];
        }
    }

    public string Describe()
    {
        lock (All)
        {
            return string.Join(", ", All.Select(r => r.Json is { } j ? j.GetProperty("type").GetString() + (j.TryGetProperty("turn_id", out var t) ? "#" + t : "") : $"bin{r.Binary!.Length}"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        _socket.Abort();
        await _receiving.ContinueWith(_ => { }, TaskScheduler.Default);
        _socket.Dispose();
        _cts.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[256 * 1024];
        try
        {
            while (_socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var ms = new MemoryStream();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(), _cts.Token);
                    await ms.WriteAsync(buffer.AsMemory(0, result.Count), CancellationToken.None);
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                var r = result.MessageType == WebSocketMessageType.Text
                    ? new Received(JsonDocument.Parse(ms.ToArray()).RootElement.Clone(), null)
                    : new Received(null, ms.ToArray());
                lock (All)
                {
                    All.Add(r);
                }

                _received.Writer.TryWrite(r);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
        finally
        {
            _received.Writer.TryComplete();
        }
    }

    /// <summary>One received message: JSON or binary audio.</summary>
    public sealed record Received(JsonElement? Json, byte[]? Binary);
}
