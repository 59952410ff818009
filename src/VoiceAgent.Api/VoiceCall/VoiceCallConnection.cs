using System.Net.WebSockets;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Api.VoiceCall;

/// <summary>
/// One voice call over a WebSocket (§2): reads client frames into the session's pipeline, and sends what the pipeline
/// produces. Bad frames get an error frame and the call goes on; only size and protocol violations close it.
/// </summary>
public sealed partial class VoiceCallConnection(
    WebSocket socket,
    SessionLease lease,
    ConversationPipelineFactory pipelines,
    IConversationStore store,
    VoiceCallOptions options,
    PipelineMetrics metrics,
    TimeProvider time,
    ILogger logger)
{
    private readonly OutgoingQueue _out = new(socket, options);
    private StageChain? _chain;
    private Task? _pump;
    private string? _sessionId;
    private bool _inputEnded;

    public async Task RunAsync(CancellationToken requestAborted)
    {
        using var call = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, lease.Aborted);
        var sending = _out.RunAsync(call.Token);
        using var draining = lease.Draining.Register(() => EndInput());
        var graceful = false;
        try
        {
            graceful = await ReceiveAsync(call.Token);
            if (graceful && _pump is not null)
            {
                // is_close: the pipeline finishes the turn in progress, then the pump closes the call.
                await _pump.WaitAsync(options.FinishTimeout, call.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or TimeoutException)
        {
            var reason = ex.GetType().Name;
            LogCallEnded(logger, _sessionId ?? "(none)", reason);
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

            _out.Close(graceful ? WebSocketCloseStatus.NormalClosure : WebSocketCloseStatus.InternalServerError, graceful ? "call finished" : "call ended");
            await sending.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
            metrics.BytesOut("voice_call", _out.BytesSent);
            await call.CancelAsync();
        }
    }

    /// <summary>Reads messages until the client closes or says <c>is_close</c>; true when the call should finish gracefully.</summary>
    private async Task<bool> ReceiveAsync(CancellationToken ct)
    {
        using var reader = new CallMessageReader(socket, _out, options, time, bytes => metrics.BytesIn("voice_call", bytes));
        while (await reader.ReadAsync(ct) is { } type)
        {
            if (type == WebSocketMessageType.Close)
            {
                return _inputEnded;
            }

            if (_inputEnded)
            {
                continue; // after is_close, further audio is ignored while the last turn finishes
            }

            if (type == WebSocketMessageType.Binary)
            {
                await OnBinaryAsync(reader.Message, ct);
            }
            else
            {
                await OnTextAsync(reader.Message, ct);
            }

            if (_out.TooSlow)
            {
                return false;
            }
        }

        return !reader.LimitReached && _inputEnded;
    }

    private async Task OnTextAsync(ReadOnlyMemory<byte> json, CancellationToken ct)
    {
        if (!ClientFrameParser.TryParse(json, out var frame, out var error, _sessionId))
        {
            metrics.Error("bad_frame");
            _out.TrySend(ServerFrames.Error(error!.Code, error.Message));
            return;
        }

        try
        {
            if (frame.SessionId is { } id && !await EnsureSessionAsync(id, ct))
            {
                return;
            }

            if (frame.Audio is { Length: > 0 } audio)
            {
                if (_chain is null)
                {
                    _out.TrySend(ServerFrames.Error(400, "meta_info.session_id is required in the first frame; this audio was dropped."));
                    return;
                }

                // The frame's rented array goes on with the audio; the VAD stage returns it.
                var pooled = frame.Pooled!;
                frame = frame with { Pooled = null };
                await WriteInputAsync(InputAudioFrame.Rented(pooled, audio.Length, AudioFormat.Pcm16Mono16k), ct);
            }

            if (frame.IsClose)
            {
                EndInput();
            }
        }
        finally
        {
            frame.Release();
        }
    }

    private async Task OnBinaryAsync(ReadOnlyMemory<byte> pcm, CancellationToken ct)
    {
        if (ClientFrameParser.CheckPcm(pcm.Length) is { } error)
        {
            metrics.Error("bad_frame");
            _out.TrySend(ServerFrames.Error(error.Code, error.Message));
        }
        else if (_chain is null)
        {
            _out.TrySend(ServerFrames.Error(400, "Send a JSON frame with meta_info.session_id before binary audio; this audio was dropped."));
        }
        else if (pcm.Length > 0)
        {
            await WriteInputAsync(InputAudioFrame.Rented(AudioPool.Rent(pcm.Span), pcm.Length, AudioFormat.Pcm16Mono16k), ct);
        }
    }

    private async Task<bool> EnsureSessionAsync(string id, CancellationToken ct)
    {
        if (_sessionId is not null)
        {
            if (id != _sessionId)
            {
                _out.TrySend(ServerFrames.Error(400, $"This call belongs to session '{_sessionId}'; a frame for '{Shorten(id)}' was dropped."));
                return false;
            }

            return true;
        }

        StoredSession stored;
        try
        {
            stored = await store.GetOrCreateAsync(id, SessionSettings.Default, ct);
        }
        catch (ArgumentException ex)
        {
            _out.TrySend(ServerFrames.Error(400, ex.Message));
            return false;
        }

        _sessionId = id;
        var conversation = new Conversation(id, stored.Settings, stored.ToChatMessages()) { Tenant = store.Tenant.Value };
        _chain = pipelines.StartVoiceCall(conversation, ct);
        var sender = new VoiceCallSender(_chain, conversation, store, _out, metrics, logger, lease.Draining);
        _out.TrySend(ServerFrames.Session(id, pipelines.Options.Output.OutputSampleRate));
        _pump = sender.RunAsync(ct);
        LogCallStarted(logger, id, stored.Messages.Count);
        return true;
    }

    private void EndInput()
    {
        if (_inputEnded)
        {
            return;
        }

        _inputEnded = true;
        if (_chain is { } chain)
        {
            chain.Input.TryWrite(new EndOfInputFrame());
            chain.CompleteInput();
        }
        else
        {
            _out.Close(lease.Draining.IsCancellationRequested ? WebSocketCloseStatus.EndpointUnavailable : WebSocketCloseStatus.NormalClosure, "call finished");
        }
    }

    private async Task WriteInputAsync(InputAudioFrame audio, CancellationToken ct)
    {
        try
        {
            await _chain!.Input.WriteAsync(audio, ct);
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            // Input was ended (shutdown drain) while this frame was on its way: the call is finishing.
        }
    }

    private static string Shorten(string s) => s.Length <= 64 ? s : s[..64] + "…";

    [LoggerMessage(Level = LogLevel.Information, Message = "Voice call for session {SessionId} started with {Messages} messages of history")]
    private static partial void LogCallStarted(ILogger logger, string sessionId, int messages);

    [LoggerMessage(Level = LogLevel.Information, Message = "Voice call for session {SessionId} ended: {Reason}")]
    private static partial void LogCallEnded(ILogger logger, string sessionId, string reason);
}
