using System.Buffers;
using System.Net.WebSockets;
using VoiceAgent.Api.VoiceCall;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Api.Recorded;

/// <summary>
/// The plumbing both recorded-question sockets share: <c>connected</c>, reading whole messages under the size limit,
/// the idle and packet-gap timeouts, shutdown drain, and one bounded queue for everything sent. A failure while
/// handling a message becomes an <c>error</c> event and the connection goes on.
/// </summary>
public abstract partial class RecordedConnection
{
    private readonly WebSocket _socket;
    private readonly SessionLease _lease;
    private readonly OutgoingQueue _queue;

    protected RecordedConnection(WebSocket socket, SessionLease lease, RecordedQuestionServices services, string sessionId)
    {
        _socket = socket;
        _lease = lease;
        Services = services;
        SessionId = sessionId;
        var o = services.Options;
        _queue = new OutgoingQueue(socket, new VoiceCallOptions { SendQueueFrames = o.SendQueueFrames, SlowClientTimeout = o.SlowClientTimeout });
        Events = new RecordedEventSink(_queue);
    }

    protected RecordedQuestionServices Services { get; }

    protected RecordedEventSink Events { get; }

    /// <summary>The session the next question is answered in: <c>?session_id=</c>, an upload's first packet, or a new id.</summary>
    protected string SessionId { get; set; }

    /// <summary>Set when <c>?session_id=</c> was not a valid id and a new one was used: reported after <c>connected</c>.</summary>
    public bool InvalidQuerySessionId { get; set; }

    protected abstract string ConnectedMessage { get; }

    /// <summary>True while an upload is under way, so a pause of <see cref="RecordedOptions.PacketGapTimeout"/> is reported.</summary>
    protected abstract bool AwaitingPackets { get; }

    public async Task RunAsync(CancellationToken requestAborted)
    {
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, _lease.Aborted);
        var ct = connection.Token;
        var sending = _queue.RunAsync(ct);
        var status = WebSocketCloseStatus.NormalClosure;
        var reason = "done";
        try
        {
            Events.TrySend(RecordedEvents.Connected(ConnectedMessage, SessionId, Services.OutputSampleRate));
            if (InvalidQuerySessionId)
            {
                Events.TrySend(new RecordedError($"'?session_id=' is not a valid session id; this connection uses '{SessionId}'.", "bad_session_id").ToEvent());
            }

            (status, reason) = await ReceiveAsync(ct);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            (status, reason) = (WebSocketCloseStatus.NormalClosure, "connection ended");
        }
        catch (Exception ex)
        {
            LogFailed(Services.Logger, SessionId, ex);
            Events.TrySend(new RecordedError("Internal error; the connection ends.", "server_error").ToEvent());
            (status, reason) = (WebSocketCloseStatus.InternalServerError, "internal error");
        }
        finally
        {
            _queue.Close(status, reason);
            await sending.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
            await connection.CancelAsync();
        }
    }

    /// <summary>Handles one client message (a packet or end). Errors go to the client as events.</summary>
    protected abstract Task OnMessageAsync(ReadOnlyMemory<byte> json, CancellationToken ct);

    /// <summary>No packet came for <see cref="RecordedOptions.PacketGapTimeout"/> while <see cref="AwaitingPackets"/>.</summary>
    protected abstract Task OnPacketGapAsync(CancellationToken ct);

    /// <summary>Takes a session id from a client: valid ids become the session of the next question; others are an error.</summary>
    protected bool TryUseSessionId(string? id)
    {
        if (id is null || id == SessionId)
        {
            return true;
        }

        if (!SessionIdFormat.IsValid(id))
        {
            Events.TrySend(new RecordedError("'session_id' must be 1-128 ASCII letters, digits, '-', '_', '.' or ':'; the packet was not counted.", "bad_session_id").ToEvent());
            return false;
        }

        SessionId = id;
        return true;
    }

    private async Task<(WebSocketCloseStatus, string)> ReceiveAsync(CancellationToken ct)
    {
        var o = Services.Options;
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        Task<WebSocketMessageType?>? pending = null;
        var gapReported = false;
        while (_socket.State == WebSocketState.Open && !_queue.TooSlow)
        {
            // The receive stays pending across timeouts: cancelling a WebSocket receive would abort the socket.
            pending ??= ReadMessageAsync(buffer, o.MaxMessageBytes, ct);
            var gap = AwaitingPackets && !gapReported;
            WebSocketMessageType? type;
            try
            {
                type = await pending.WaitAsync(gap ? o.PacketGapTimeout : o.IdleTimeout, Services.Time, _lease.Draining);
            }
            catch (TimeoutException)
            {
                if (!gap)
                {
                    return (WebSocketCloseStatus.NormalClosure, "idle timeout");
                }

                gapReported = true;
                await OnPacketGapAsync(ct);
                continue;
            }
            catch (OperationCanceledException) when (_lease.Draining.IsCancellationRequested)
            {
                return (WebSocketCloseStatus.EndpointUnavailable, "service shutting down");
            }

            pending = null;
            gapReported = false;
            switch (type)
            {
                case WebSocketMessageType.Close:
                    return (WebSocketCloseStatus.NormalClosure, "client closed");
                case null:
                    Events.TrySend(new RecordedError($"A message is over {o.MaxMessageBytes} bytes; the connection closes.", "message_too_large").ToEvent());
                    return (WebSocketCloseStatus.MessageTooBig, $"message over {o.MaxMessageBytes} bytes");
                case WebSocketMessageType.Binary:
                    Events.TrySend(new RecordedError("Send packets as JSON text messages with base64 'data'.", "bad_message").ToEvent());
                    continue;
            }

            try
            {
                await OnMessageAsync(buffer.WrittenMemory, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not WebSocketException)
            {
                LogMessageFailed(Services.Logger, SessionId, ex);
                Events.TrySend(new RecordedError($"The question could not be handled: {ex.Message}", "server_error").ToEvent());
            }
        }

        return (WebSocketCloseStatus.NormalClosure, "done");
    }

    /// <summary>Reads one whole message into <paramref name="buffer"/>; null when it is over <paramref name="max"/> bytes.</summary>
    private async Task<WebSocketMessageType?> ReadMessageAsync(ArrayBufferWriter<byte> buffer, int max, CancellationToken ct)
    {
        buffer.ResetWrittenCount();
        ValueWebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(buffer.GetMemory(8192), ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return WebSocketMessageType.Close;
            }

            buffer.Advance(result.Count);
            if (buffer.WrittenCount > max)
            {
                return null;
            }
        }
        while (!result.EndOfMessage);
        return result.MessageType;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Recorded-question connection of session {SessionId} failed")]
    private static partial void LogFailed(ILogger logger, string sessionId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recorded-question message of session {SessionId} failed")]
    private static partial void LogMessageFailed(ILogger logger, string sessionId, Exception exception);
}
