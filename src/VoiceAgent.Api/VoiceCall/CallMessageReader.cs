using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;

namespace VoiceAgent.Api.VoiceCall;

/// <summary>
/// Reads a call socket's messages whole, with the limits every call transport keeps (browser and phone alike): a
/// message-size cap, an idle timer that every receive resets, and a maximum call duration. A limit closes the call
/// politely through its <see cref="OutgoingQueue"/> (cancelling the pending receive instead would abort the socket with no reason).
/// </summary>
/// <remarks>
/// A call receives a message every 20 ms, so a receive costs no timer work and no metric update: it notes the time, and
/// the idle timer, when it fires, re-arms itself for what is left of the timeout after the last receive; received bytes
/// are told to the metric in batches of <see cref="BytesInBatch"/> and at the end.
/// </remarks>
public sealed class CallMessageReader : IDisposable
{
    private readonly WebSocket _socket;
    private readonly OutgoingQueue _out;
    private readonly VoiceCallOptions _limits;
    private readonly TimeProvider _time;
    private readonly Action<int> _bytesIn;
    private readonly ArrayBufferWriter<byte> _buffer = new(8192);
    private readonly long _started;
    private readonly ITimer _idle;
    private long _lastReceive;
    private int _bytesPending;

    /// <summary>Bytes received before they are told to the traffic metric (about a second and a half of a JSON-framed call).</summary>
    public const int BytesInBatch = 64 * 1024;

    /// <param name="bytesIn">Told how many bytes each receive brought (the transport's traffic metric).</param>
    public CallMessageReader(WebSocket socket, OutgoingQueue output, VoiceCallOptions limits, TimeProvider time, Action<int> bytesIn)
    {
        _socket = socket;
        _out = output;
        _limits = limits;
        _time = time;
        _bytesIn = bytesIn;
        _started = time.GetTimestamp();
        _lastReceive = _started;
        _idle = time.CreateTimer(static state => ((CallMessageReader)state!).IdleCheck(), this, limits.IdleTimeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>True once a limit (size or duration) has closed the call.</summary>
    public bool LimitReached { get; private set; }

    /// <summary>The last message read, valid until the next read.</summary>
    public ReadOnlyMemory<byte> Message => _buffer.WrittenMemory;

    /// <summary>
    /// The next whole message's type (its bytes in <see cref="Message"/>); <see cref="WebSocketMessageType.Close"/> when the
    /// peer closed; null when the socket is no longer open or a limit closed the call.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))] // one read per frame of every call: no state machine box each time
    public async ValueTask<WebSocketMessageType?> ReadAsync(CancellationToken cancellationToken)
    {
        if (_socket.State != WebSocketState.Open)
        {
            return null;
        }

        if (_time.GetElapsedTime(_started) > _limits.MaxCallDuration)
        {
            _out.Close(WebSocketCloseStatus.PolicyViolation, "the call reached its maximum duration");
            LimitReached = true;
            return null;
        }

        _buffer.ResetWrittenCount();
        ValueWebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(_buffer.GetMemory(8192), cancellationToken);
            Volatile.Write(ref _lastReceive, _time.GetTimestamp());
            _bytesPending += result.Count;
            if (_bytesPending >= BytesInBatch)
            {
                FlushBytesIn();
            }
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return WebSocketMessageType.Close;
            }

            _buffer.Advance(result.Count);
            if (_buffer.WrittenCount > _limits.MaxMessageBytes)
            {
                _out.Close(WebSocketCloseStatus.MessageTooBig, $"message over {_limits.MaxMessageBytes} bytes");
                LimitReached = true;
                return null;
            }
        }
        while (!result.EndOfMessage);

        return result.MessageType;
    }

    /// <summary>The idle timer fired: closes the call if nothing came for the whole timeout, or waits out the rest of it.</summary>
    private void IdleCheck()
    {
        var idle = _time.GetElapsedTime(Volatile.Read(ref _lastReceive));
        if (idle >= _limits.IdleTimeout)
        {
            _out.Close(WebSocketCloseStatus.PolicyViolation, $"idle for {_limits.IdleTimeout.TotalSeconds:F0} s");
            return;
        }

        try
        {
            _idle.Change(_limits.IdleTimeout - idle, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // The call ended meanwhile.
        }
    }

    private void FlushBytesIn()
    {
        if (_bytesPending > 0)
        {
            _bytesIn(_bytesPending);
            _bytesPending = 0;
        }
    }

    public void Dispose()
    {
        _idle.Dispose();
        FlushBytesIn();
    }
}
