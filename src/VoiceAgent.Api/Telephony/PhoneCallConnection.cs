using System.Net.WebSockets;
using VoiceAgent.Api.VoiceCall;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Replies;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Api.Telephony;

/// <summary>
/// One phone call over a carrier's media stream, whatever the carrier: its <see cref="CarrierSerializer"/> turns messages
/// into events; the call runs the voice call's pipeline on the caller's audio and answers through a <see cref="PhoneReplyWriter"/>.
/// Bad or out-of-order messages are logged and the call goes on; the stream's end interrupts the reply in progress
/// (saving what the caller heard) and closes the socket normally.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "RunAsync is the connection's whole life and disposes what it made in its finally.")]
public sealed partial class PhoneCallConnection(
    WebSocket socket,
    SessionLease lease,
    CarrierSerializer carrier,
    PhoneCallServices services,
    IConversationStore store,
    Func<CarrierStart, TenantId?> tenantOf,
    ILogger logger)
{
    private readonly OutgoingQueue _out = new(socket, services.Limits);
    private readonly ChunkOrder<CarrierAudio> _order = new();
    private readonly DtmfEntry _dtmf = new(TimeSpan.FromMilliseconds(services.Options.DtmfTimeoutMs), services.Time);
    private readonly List<CarrierAudio> _inOrder = [];
    private Action<CarrierAudio>? _release;
    private StageChain? _chain;
    private PhoneReplyWriter? _writer;
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2213:Disposable fields should be disposed", Justification = "Disposed at the end of RunAsync, which owns the call's whole life.")]
    private PhoneAudioOut? _audioOut;
    private Task? _pump;
    private string _logId = "(none)"; // the session id as logs show it: a caller's number masked (SessionIdFormat.ForLog)
    private bool _ended;
    private int _badMessages;

    private const int MaxBadMessagesLogged = 20;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    public async Task RunAsync(CancellationToken requestAborted)
    {
        using var call = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, lease.Aborted);
        var sending = _out.RunAsync(call.Token);
        using var draining = lease.Draining.Register(() => HangUp("service shutting down"));
        var graceful = false;
        try
        {
            graceful = await ReceiveAsync(call.Token);
            if (graceful && _pump is not null)
            {
                // The pump saves the interrupted turn and closes the socket once the chain has drained.
                await _pump.WaitAsync(services.Limits.FinishTimeout, call.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or TimeoutException)
        {
            var reason = ex.GetType().Name + ": " + ex.Message;
            LogCallEnded(logger, carrier.Name, _logId, reason);
        }
        finally
        {
            if (_chain is not null)
            {
                await _chain.DisposeAsync();
            }

            if (_pump is not null)
            {
                await _pump.ContinueWith(_ => { }, TaskScheduler.Default);
            }

            _audioOut?.Dispose();
            _out.Close(graceful ? WebSocketCloseStatus.NormalClosure : WebSocketCloseStatus.InternalServerError, graceful ? "call finished" : "call ended");
            await sending.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
            services.Metrics.BytesOut("phone_" + carrier.Name, _out.BytesSent);
            await call.CancelAsync();
        }
    }

    /// <summary>Reads messages until the stream stops or the socket closes; true when the call should end gracefully.</summary>
    private async Task<bool> ReceiveAsync(CancellationToken ct)
    {
        using var reader = new CallMessageReader(socket, _out, services.Limits, services.Time, bytes => services.Metrics.BytesIn("phone_" + carrier.Name, bytes));
        // A stream that never starts holds a session slot without having shown who it is: it gets a short while only.
        using var noStart = services.Time.CreateTimer(
            _ =>
            {
                if (Volatile.Read(ref _chain) is null)
                {
                    _out.Close(WebSocketCloseStatus.PolicyViolation, $"no start message within {StartTimeout.TotalSeconds:F0} s");
                }
            },
            null,
            StartTimeout,
            Timeout.InfiniteTimeSpan);
        while (await reader.ReadAsync(ct) is { } type)
        {
            if (type == WebSocketMessageType.Close)
            {
                // A carrier that closes without a stop has hung up all the same.
                HangUp("the carrier closed the stream");
                return true;
            }

            CarrierEvent message;
            var audio = default(CarrierAudio);
            try
            {
                message = carrier.Parse(reader.Message.Span, type, out audio);
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException)
            {
                // System.Text.Json refuses some escapes (a lone surrogate) only when a string is read: one bad message, not a dead call.
                message = new CarrierBadMessage($"unreadable JSON: {ex.Message}");
                audio.Return();  // a payload decoded before the bad field goes back to the pool
                audio = default;
            }

            await OnMessageAsync(message, audio, ct);
            if (_ended)
            {
                return true;
            }

            if (_out.TooSlow)
            {
                return false;
            }
        }

        return !reader.LimitReached && _ended;
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))] // every 20 ms of every call
    private async ValueTask OnMessageAsync(CarrierEvent message, CarrierAudio audio, CancellationToken ct)
    {
        switch (message)
        {
            case CarrierStart start:
                await StartAsync(start, ct);
                break;
            case CarrierMedia when _chain is null:
                audio.Return();
                Bad("media before the stream's start");
                break;
            case CarrierMedia:
                if (!_order.Add(audio.Chunk, audio, _release ??= _inOrder.Add))
                {
                    audio.Return();
                }

                foreach (var chunk in _inOrder)
                {
                    await WriteAsync(InputFrame(chunk), ct);
                }

                _inOrder.Clear();
                break;
            case CarrierDtmf dtmf when _chain is not null:
                await UserTextAsync(_dtmf.Add(dtmf.Digit), ct);
                break;
            case CarrierMark mark:
                _writer?.MarkReached(mark.Name);
                break;
            case CarrierStop:
                HangUp("the carrier stopped the stream");
                break;
            case CarrierBadMessage bad:
                Bad(bad.Reason);
                break;
            case CarrierIgnored ignored:
                LogIgnored(logger, carrier.Name, ignored.What);
                break;
        }

        if (_chain is not null && _dtmf.Poll() is { } entry)
        {
            await UserTextAsync(entry, ct);
        }
    }

    private async Task StartAsync(CarrierStart start, CancellationToken ct)
    {
        if (_chain is not null)
        {
            Bad("a second start message");
            return;
        }

        if (tenantOf(start) is not { } tenant)
        {
            Bad("no valid key: pass ?token=<key> on the stream URL or a 'token' stream parameter, or configure Twilio:AuthToken");
            _out.Close(WebSocketCloseStatus.PolicyViolation, "invalid or missing API key");
            _ended = true;
            return;
        }

        // This tenant's sessions only: the same number calling another tenant's line is another conversation.
        var own = store.ForTenant(tenant);
        var id = SessionIdOf(start);
        StoredSession stored;
        try
        {
            stored = await own.GetOrCreateAsync(id, SessionSettings.Default, ct);
        }
        catch (ArgumentException ex)
        {
            Bad(ex.Message);
            return;
        }

        _logId = SessionIdFormat.ForLog(id);
        var conversation = new Conversation(id, stored.Settings, stored.ToChatMessages()) { HistoryFromPlayback = true };
        _chain = services.Pipelines.StartVoiceCall(conversation, ct);
        _audioOut = new PhoneAudioOut(services.Resamplers, carrier.Format, carrier.FramesPerMessage);
        var pacer = new PhonePacer(TimeSpan.FromMilliseconds(services.Options.MaxBufferMs), services.Time);
        _writer = new PhoneReplyWriter(carrier, _out, _audioOut, pacer, conversation, services.Metrics, services.Time, logger);
        _pump = PumpAsync(new ReplyConsumer(_chain, _writer, logger, new ReplyHistory(conversation, own)), ct);
        LogCallStarted(logger, carrier.Name, _logId, start.CallId, stored.Messages.Count);
        LogSession(logger, carrier.Name, start.CallId, id);
    }

    private string SessionIdOf(CarrierStart start)
    {
        if (services.Options.SessionId == "caller" && start.From is { } from)
        {
            // The caller's number, digits only (E.164 without '+'): the same caller continues the same conversation.
            var digits = new string([.. from.Where(char.IsAsciiDigit)]);
            if (digits.Length is > 0 and <= 32)
            {
                return $"phone:{digits}";
            }
        }

        var call = new string([.. start.CallId.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')]);
        return $"call:{(call.Length > 0 ? call[..Math.Min(call.Length, 100)] : SessionIdFormat.NewId())}";
    }

    private async Task PumpAsync(ReplyConsumer consumer, CancellationToken ct)
    {
        try
        {
            if (await consumer.RunCallAsync(ct) == ReplyStreamEnd.PipelineStopped)
            {
                _out.Close(WebSocketCloseStatus.InternalServerError, "the pipeline stopped");
                return;
            }

            _out.Close(lease.Draining.IsCancellationRequested ? WebSocketCloseStatus.EndpointUnavailable : WebSocketCloseStatus.NormalClosure, "call finished");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogPumpFailed(logger, carrier.Name, _logId, ex);
            _out.Close(WebSocketCloseStatus.InternalServerError, "internal error");
        }
    }

    /// <summary>DTMF keys as the user's turn: a final transcript of its own, answered like speech (and interrupting the agent).</summary>
    private async Task UserTextAsync(string? text, CancellationToken ct)
    {
        if (text is null || _chain is null || _ended)
        {
            return;
        }

        LogDtmf(logger, carrier.Name, _logId, text.Length - 8);
        await WriteAsync(new TranscriptFrame(_chain.Turns.BeginTurn(), text, IsFinal: true), ct);
    }

    /// <summary>
    /// The caller is gone: the reply in progress is interrupted (so the turn is saved with what was heard), and the
    /// input ends; the pump then closes the socket.
    /// </summary>
    private void HangUp(string reason)
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        LogCallEnded(logger, carrier.Name, _logId, reason);
        if (_chain is { } chain)
        {
            chain.Turns.BeginTurn();
            chain.Output.InputEnded();
            chain.Input.TryWrite(new EndOfInputFrame());
            chain.CompleteInput();
        }
        else
        {
            _out.Close(lease.Draining.IsCancellationRequested ? WebSocketCloseStatus.EndpointUnavailable : WebSocketCloseStatus.NormalClosure, "call finished");
        }
    }

    /// <summary>The caller's audio as the pipeline's input: decoded into a pooled array that the VAD stage returns.</summary>
    private InputAudioFrame InputFrame(CarrierAudio audio)
    {
        var format = carrier.Format;
        if (format.Codec == CarrierCodec.L16)
        {
            // Little-endian PCM16 already: the received array goes on as it is.
            return InputAudioFrame.Rented(audio.Rented, format.PcmBytes(audio.Length), format.Pcm);
        }

        var pcm = AudioPool.Rent(Math.Max(1, format.PcmBytes(audio.Length)));
        var length = format.DecodeInto(audio.Span, pcm);
        audio.Return();
        return InputAudioFrame.Rented(pcm, length, format.Pcm);
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))] // every 20 ms of every call
    private async ValueTask WriteAsync(Frame frame, CancellationToken ct)
    {
        try
        {
            await _chain!.Input.WriteAsync(frame, ct);
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            // The call is ending (hang-up or shutdown) while this frame was on its way.
        }
    }

    private void Bad(string reason)
    {
        services.Metrics.Error("bad_frame");
        // Every bad message is counted; only the first few of a call are logged, so a broken peer cannot flood the log.
        if (++_badMessages <= MaxBadMessagesLogged)
        {
            LogBadMessage(logger, carrier.Name, _logId, reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Phone call ({Carrier}) for session {SessionId} started, call {CallId}, with {Messages} messages of history")]
    private static partial void LogCallStarted(ILogger logger, string carrier, string sessionId, string callId, int messages);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Phone call ({Carrier}) {CallId} is session {SessionId}")]
    private static partial void LogSession(ILogger logger, string carrier, string callId, string sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Phone call ({Carrier}) for session {SessionId} ended: {Reason}")]
    private static partial void LogCallEnded(ILogger logger, string carrier, string sessionId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Phone call ({Carrier}) {SessionId}: bad message, ignored: {Reason}")]
    private static partial void LogBadMessage(ILogger logger, string carrier, string sessionId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Phone call ({Carrier}): ignored {What}")]
    private static partial void LogIgnored(ILogger logger, string carrier, string what);

    [LoggerMessage(Level = LogLevel.Information, Message = "Phone call ({Carrier}) {SessionId}: {Keys} DTMF keys go to the LLM")]
    private static partial void LogDtmf(ILogger logger, string carrier, string sessionId, int keys);

    [LoggerMessage(Level = LogLevel.Error, Message = "Phone call ({Carrier}) {SessionId}: sending failed")]
    private static partial void LogPumpFailed(ILogger logger, string carrier, string sessionId, Exception exception);
}
