using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;

namespace VoiceAgent.Harness.Client;

/// <summary>A client of <c>/chat/voice_call</c>: sends the seed's JSON audio frames, hands every server message to a callback.</summary>
public sealed class VoiceCallSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly ArrayBufferWriter<byte> _frame = new(2048);

    private VoiceCallSocket()
    {
    }

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseDescription => _socket.CloseStatusDescription;

    public WebSocketState State => _socket.State;

    /// <summary>Connects; the token goes in <c>Authorization: Bearer</c>. Throws <see cref="HarnessException"/> with a clear message on failure.</summary>
    public static async Task<VoiceCallSocket> ConnectAsync(Uri url, string? token, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var client = new VoiceCallSocket();
        client._socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(20);
        if (!string.IsNullOrEmpty(token))
        {
            client._socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        }

        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
            await client._socket.ConnectAsync(url, cts.Token);
            return client;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or HttpRequestException)
        {
            client._socket.Dispose();
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new HarnessException($"Cannot connect to {url}: {ex.Message}", ex);
        }
    }

    /// <summary>Sends one audio frame (<c>{"audio","meta_info","is_close"}</c>); an empty <paramref name="pcm"/> sends no <c>audio</c> field.</summary>
    public async ValueTask SendAudioAsync(string sessionId, ReadOnlyMemory<byte> pcm, bool isClose, CancellationToken cancellationToken)
    {
        _frame.ResetWrittenCount();
        using (var w = new Utf8JsonWriter(_frame))
        {
            w.WriteStartObject();
            if (!pcm.IsEmpty)
            {
                w.WriteBase64String("audio", pcm.Span);
            }

            w.WriteStartObject("meta_info");
            w.WriteString("session_id", sessionId);
            w.WriteString("encoding", "raw");
            w.WriteEndObject();
            w.WriteBoolean("is_close", isClose);
            w.WriteEndObject();
        }

        await _socket.SendAsync(_frame.WrittenMemory, WebSocketMessageType.Text, true, cancellationToken);
    }

    /// <summary>Receives until the server closes; answers its close. Returns normally on a close, throws on a broken connection.</summary>
    public async Task ReceiveAsync(Action<ServerMessage> onMessage, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        while (_socket.State is WebSocketState.Open or WebSocketState.CloseSent)
        {
            buffer.ResetWrittenCount();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await _socket.ReceiveAsync(buffer.GetMemory(16 * 1024), cancellationToken);
                buffer.Advance(result.Count);
            }
            while (!result.EndOfMessage);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (_socket.State == WebSocketState.CloseReceived)
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cancellationToken);
                }

                return;
            }

            onMessage(result.MessageType == WebSocketMessageType.Binary
                ? ServerMessage.FromAudio(buffer.WrittenMemory)
                : ServerMessage.Parse(buffer.WrittenSpan));
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
