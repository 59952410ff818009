using System.Net.WebSockets;
using System.Threading.Channels;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Api.VoiceCall;

/// <summary>
/// The one writer of a call's socket: frames queue here (bounded) and one loop sends them in order. A client that does
/// not read fills the queue; after <see cref="VoiceCallOptions.SlowClientTimeout"/> of that the call is closed (1008),
/// so a slow reader costs at most the queue's memory.
/// </summary>
public sealed class OutgoingQueue
{
    private readonly WebSocket _socket;
    private readonly VoiceCallOptions _options;
    private readonly Channel<Outgoing> _queue;

    public OutgoingQueue(WebSocket socket, VoiceCallOptions options)
    {
        _socket = socket;
        _options = options;
        _queue = Channel.CreateBounded<Outgoing>(new BoundedChannelOptions(options.SendQueueFrames) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    }

    /// <summary>Set when the call was closed because the client stopped reading.</summary>
    public bool TooSlow { get; private set; }

    public long BytesSent { get; private set; }

    /// <summary>Queues a frame, waiting while the queue is full; false when the client is too slow or the call is closing.</summary>
    public ValueTask<bool> SendAsync(ReadOnlyMemory<byte> data, WebSocketMessageType type, CancellationToken cancellationToken) =>
        SendAsync(data, type, null, cancellationToken);

    /// <summary>
    /// Queues a frame whose bytes lie in <paramref name="pooled"/>, an array from <see cref="AudioPool"/> that the queue
    /// returns once the frame is sent or dropped (a frame still queued when the call is torn down leaves it to the GC).
    /// </summary>
    public ValueTask<bool> SendAsync(ReadOnlyMemory<byte> data, WebSocketMessageType type, byte[]? pooled, CancellationToken cancellationToken)
    {
        var item = new Outgoing(data, type, pooled);
        return _queue.Writer.TryWrite(item) ? ValueTask.FromResult(true) : WaitToSendAsync(item, cancellationToken);
    }

    private async ValueTask<bool> WaitToSendAsync(Outgoing item, CancellationToken cancellationToken)
    {
        var queued = false;
        using var slow = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        slow.CancelAfter(_options.SlowClientTimeout);
        try
        {
            await _queue.Writer.WriteAsync(item, slow.Token);
            queued = true;
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            TooSlow = true;
            Close(WebSocketCloseStatus.PolicyViolation, "client too slow: the send queue stayed full");
            return false;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
        finally
        {
            if (!queued)
            {
                Release(item);
            }
        }
    }

    /// <summary>Queues a frame without waiting (errors from the receive side); a full queue means the client is not reading.</summary>
    public void TrySend(ReadOnlyMemory<byte> data) => _queue.Writer.TryWrite(new Outgoing(data, WebSocketMessageType.Text, null));

    /// <summary>Ends the call: what is queued is sent, then the close frame. Later frames are dropped.</summary>
    public void Close(WebSocketCloseStatus status, string reason)
    {
        // The first reason to close is the one the client hears.
        if (Interlocked.Exchange(ref _closing, 1) == 1)
        {
            return;
        }

        // The close must get through even when the queue is full of a slow client's audio.
        var close = new CloseRequest(status, reason);
        if (!_queue.Writer.TryWrite(new Outgoing(default, WebSocketMessageType.Close, null) { Close = close }))
        {
            _closeOverride = close;
        }

        _queue.Writer.TryComplete();
    }

    private volatile CloseRequest? _closeOverride;
    private int _closing;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var item in _queue.Reader.ReadAllAsync(cancellationToken))
            {
                if (_closeOverride is { } urgent)
                {
                    await CloseAsync(urgent, cancellationToken);
                    return;
                }

                if (item.Close is { } close)
                {
                    await CloseAsync(close, cancellationToken);
                    return;
                }

                if (_socket.State != WebSocketState.Open)
                {
                    // The peer has closed (a carrier hanging up closes first): what is queued has no one to go to, but
                    // the close frame behind it must still answer the peer's, or the peer sees the connection dropped.
                    Release(item);
                    continue;
                }

                try
                {
                    await _socket.SendAsync(item.Data, item.Type, endOfMessage: true, cancellationToken);
                }
                finally
                {
                    Release(item);
                }

                BytesSent += item.Data.Length;
            }

            if (_closeOverride is { } last)
            {
                await CloseAsync(last, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client is gone or the call was cancelled: nothing left to send to.
        }
    }

    private static void Release(Outgoing item)
    {
        if (item.Pooled is { } pooled)
        {
            AudioPool.Return(pooled);
        }
    }

    private async Task CloseAsync(CloseRequest close, CancellationToken cancellationToken)
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await _socket.CloseOutputAsync(close.Status, close.Reason, timeout.Token);
        }
    }

    /// <summary>One queued frame; a struct, as the queue holds one per 20–40 ms of every call. A close carries its request.</summary>
    private readonly record struct Outgoing(ReadOnlyMemory<byte> Data, WebSocketMessageType Type, byte[]? Pooled)
    {
        public CloseRequest? Close { get; init; }
    }

    private sealed record CloseRequest(WebSocketCloseStatus Status, string Reason);
}
