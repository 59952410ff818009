using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using VoiceAgent.Api.Tests.Infrastructure;

namespace VoiceAgent.Api.Tests.Recorded;

/// <summary>A test client of the recorded-question sockets: sends packets, records every event <c>{"name":{…}}</c> in order.</summary>
public sealed class RecordedSocketClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<RecordedEvent> _received = Channel.CreateUnbounded<RecordedEvent>();
    private readonly List<RecordedEvent> _all = [];
    private Task _receiving = Task.CompletedTask;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public IReadOnlyList<RecordedEvent> All
    {
        get
        {
            lock (_all)
            {
                return [.. _all];
            }
        }
    }

    public static async Task<RecordedSocketClient> ConnectAsync(ServiceHost host, string path, bool bearer = true, string key = "test-key")
    {
        var client = new RecordedSocketClient();
        if (bearer)
        {
            client._socket.Options.SetRequestHeader("Authorization", "Bearer " + key);
        }

        await client._socket.ConnectAsync(host.WebSocketUri(path), CancellationToken.None).WaitAsync(ServiceHost.Timeout);
        client._receiving = Task.Run(client.ReceiveLoopAsync);
        return client;
    }

    /// <summary>Splits <paramref name="data"/> into packets of at most <paramref name="size"/> bytes, numbered from 1.</summary>
    public static List<object> Packets(byte[] data, int size, string? type = null)
    {
        var total = (data.Length + size - 1) / size;
        return [.. Enumerable.Range(1, total).Select(seq =>
        {
            var piece = Convert.ToBase64String(data.AsSpan((seq - 1) * size, Math.Min(size, data.Length - ((seq - 1) * size))));
            return type is null ? (object)new { seq, total, data = piece } : new { seq, total, type, data = piece };
        })];
    }

    public async Task SendAsync(object message) =>
        await _socket.SendAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(message)), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(ServiceHost.Timeout);

    public async Task SendAllAsync(IEnumerable<object> messages)
    {
        foreach (var m in messages)
        {
            await SendAsync(m);
        }
    }

    /// <summary>Waits for the next event named <paramref name="name"/> (matching <paramref name="match"/>), skipping others.</summary>
    public async Task<JsonElement> WaitForAsync(string name, Func<JsonElement, bool>? match = null)
    {
        using var cts = new CancellationTokenSource(ServiceHost.Timeout);
        try
        {
            while (await _received.Reader.WaitToReadAsync(cts.Token))
            {
                while (_received.Reader.TryRead(out var e))
                {
                    if (e.Name == name && (match?.Invoke(e.Body) ?? true))
                    {
                        return e.Body;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        throw new TimeoutException($"no '{name}' event arrived; received: {Describe()}");
    }

    public IReadOnlyList<JsonElement> Events(string name) => [.. All.Where(e => e.Name == name).Select(e => e.Body)];

    /// <summary>The event names in order, with runs of the same name (chunks, audio) collapsed to one.</summary>
    public List<string> Sequence()
    {
        var names = new List<string>();
        foreach (var e in All)
        {
            var name = e.Name == "audio_stream" ? "audio_stream:" + e.Body.GetProperty("event").GetString() : e.Name;
            if (names.Count == 0 || names[^1] != name)
            {
                names.Add(name);
            }
        }

        return names;
    }

    public string Describe() => string.Join(", ", Sequence());

    /// <summary>Waits until the server has closed the socket.</summary>
    public Task WaitForCloseAsync() => _receiving.WaitAsync(ServiceHost.Timeout);

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        await _receiving.ContinueWith(_ => { }, TaskScheduler.Default);
        _socket.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (_socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                using var ms = new MemoryStream();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                    await ms.WriteAsync(buffer.AsMemory(0, result.Count), CancellationToken.None);
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                var root = JsonDocument.Parse(ms.ToArray()).RootElement.Clone();
                var property = root.EnumerateObject().Single();
                var e = new RecordedEvent(property.Name, property.Value);
                lock (_all)
                {
                    _all.Add(e);
                }

                _received.Writer.TryWrite(e);
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

    /// <summary>One server event: its name and its body.</summary>
    public sealed record RecordedEvent(string Name, JsonElement Body);
}
