using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using VoiceAgent.Api.Telephony;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Harness.Phone;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Api.Tests.Telephony;

/// <summary>
/// Plays a carrier against the real service over a real WebSocket: sends the carrier's start, paced 20 ms media, DTMF and
/// stop; plays the agent's audio on a simulated line (20 ms a tick) and echoes each mark when playback reaches it, as the
/// carrier does; a clear drops what is buffered and echoes its pending marks at once.
/// </summary>
public sealed class CarrierSimulator : IAsyncDisposable
{
    private string? _authToken;
    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _cts = new();
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _send = new(1, 1); // a WebSocket takes one send at a time; echoes come from the line's task
    private readonly Queue<object> _line = new(); // byte[] audio (20 ms or less) or string mark
    private readonly List<byte> _heard = [];
    private Task _receiving = Task.CompletedTask;
    private Task _playing = Task.CompletedTask;
    private readonly CarrierWire _wire;
    private readonly System.Collections.Concurrent.ConcurrentQueue<byte[][]> _mic = new();
    private Task _microphone = Task.CompletedTask;

    private CarrierSimulator(string carrier) => _wire = new CarrierWire(carrier);

    /// <summary>
    /// The address Twilio is told to call in the tests (VoiceAgent:Telephony:PublicBaseUrl): signatures cover it, not the
    /// 127.0.0.1 address the simulator really connects to, as behind a proxy or tunnel.
    /// </summary>
    public const string PublicBaseUrl = "https://voiceagent.test";

    /// <summary>How long a test waits for the pipeline's outcome: generous, because the shared test machine can be loaded 15-fold.</summary>
    public static TimeSpan Patience { get; } = TimeSpan.FromSeconds(90);

    public string Carrier => _wire.Carrier;

    public string StreamId => _wire.StreamId;

    /// <summary>Every message from the service, in order: ("media", bytes) / ("mark", name) / ("clear", null) / ("close", reason).</summary>
    public List<(string Kind, object? Value, DateTime At)> Received { get; } = [];

    /// <summary>Names of the marks echoed back to the service.</summary>
    public List<string> Echoed { get; } = [];

    /// <summary>The echoes with when they were sent.</summary>
    public List<(string Name, DateTime At)> EchoedAt { get; } = [];

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>The agent's audio the caller heard, in the carrier's coding.</summary>
    public byte[] Heard
    {
        get
        {
            lock (_gate)
            {
                return [.. _heard];
            }
        }
    }

    /// <summary>Connects to the stream; with <paramref name="authToken"/>, signs the upgrade as Twilio does.</summary>
    public static async Task<CarrierSimulator> ConnectAsync(ServiceHost host, string carrier, string query = "", string? authToken = null, string? signature = null)
    {
        var sim = new CarrierSimulator(carrier);
        var uri = host.WebSocketUri($"/telephony/{carrier}/stream{query}");
        sim._authToken = authToken;
        if (authToken is not null || signature is not null)
        {
            sim._socket.Options.SetRequestHeader("X-Twilio-Signature", signature ?? Sign(authToken!, "wss://voiceagent.test" + uri.PathAndQuery, new Dictionary<string, string>()));
        }

        await sim._socket.ConnectAsync(uri, CancellationToken.None).WaitAsync(ServiceHost.Timeout);
        sim._receiving = Task.Run(sim.ReceiveLoopAsync);
        sim._playing = Task.Run(sim.PlayLoopAsync);
        return sim;
    }

    /// <summary>Twilio's signature: HMAC-SHA1 over the URL and the sorted parameters' names and values, base64.</summary>
    public static string Sign(string authToken, string url, IDictionary<string, string> parameters)
    {
        var data = new StringBuilder(url);
        foreach (var (k, v) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            data.Append(k).Append(v);
        }

        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
    }

    public Task ConnectedAsync() => SendTextAsync(CarrierWire.Connected());

    /// <summary>
    /// Twilio's start. With no key <paramref name="token"/> on a signed stream, it carries the call token the signed
    /// webhook would have put in the TwiML (<paramref name="callToken"/> overrides it, e.g. to replay or forge one).
    /// </summary>
    public async Task StartAsync(string from, string callSid, string? token = null, string? callToken = null)
    {
        var parameters = new Dictionary<string, string>();
        if (token is not null)
        {
            parameters["token"] = token;
        }
        else if ((callToken ?? (_authToken is null ? null : PhoneCallAuth.CallToken(_authToken, callSid, from, DateTimeOffset.UtcNow + PhoneCallAuth.CallTokenLifetime))) is { } issued)
        {
            parameters["callToken"] = issued;
        }

        await SendTextAsync(_wire.Start(from, callSid, parameters));
        StartMicrophone();
    }

    /// <summary>Telnyx's start: snake_case, the codec and rate it streams, the caller's number.</summary>
    public async Task StartTelnyxAsync(string from, string callControlId, string encoding = "PCMU", int rate = 8000)
    {
        await SendTextAsync(_wire.Start(from, callControlId, encoding: encoding, rate: rate));
        StartMicrophone();
    }

    /// <summary>Vonage's first message: websocket:connected with the content type and the headers the NCCO set.</summary>
    public async Task StartVonageAsync(string from, string uuid, int rate = 16000)
    {
        await SendTextAsync(_wire.Start(from, uuid, rate: rate));
        StartMicrophone();
    }

    /// <summary>
    /// Speaks coded audio into the call: the microphone sends it in 20 ms media messages at real-time pace (between
    /// questions it sends silence, as a carrier does); <paramref name="swapPairs"/> sends each pair of chunks in reverse order.
    /// </summary>
    public async Task StreamAsync(byte[] wire, bool swapPairs = false)
    {
        var frames = new List<byte[]>();
        for (var off = 0; off < wire.Length; off += _wire.FrameBytes)
        {
            frames.Add(wire[off..Math.Min(wire.Length, off + _wire.FrameBytes)]);
        }

        for (var i = 0; i < frames.Count; i += swapPairs ? 2 : 1)
        {
            _mic.Enqueue(swapPairs && i + 1 < frames.Count ? [frames[i], frames[i + 1]] : [frames[i]]);
        }

        var until = DateTime.UtcNow + Patience;
        while (!_mic.IsEmpty && DateTime.UtcNow < until)
        {
            await Task.Delay(20);
        }
    }

    private void StartMicrophone()
    {
        if (_microphone.IsCompleted)
        {
            _microphone = Task.Run(MicrophoneLoopAsync);
        }
    }

    /// <summary>One 20 ms frame per 20 ms of wall time: queued speech, else silence; a swapped pair goes out as chunks n+1, n.</summary>
    private async Task MicrophoneLoopAsync()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long sent = 0;
        try
        {
            while (!_cts.IsCancellationRequested && _socket.State == WebSocketState.Open)
            {
                while (sent * 20 <= clock.ElapsedMilliseconds)
                {
                    if (_mic.TryDequeue(out var group))
                    {
                        if (group.Length == 2)
                        {
                            var n = _wire.NextChunk();
                            var m = _wire.NextChunk();
                            await SendMediaAsync(group[1], m);
                            await SendMediaAsync(group[0], n);
                            sent += 2;
                            continue;
                        }

                        await SendMediaAsync(group[0]);
                    }
                    else
                    {
                        await SendMediaAsync(Enumerable.Repeat(_wire.SilenceByte, _wire.FrameBytes).ToArray());
                    }

                    sent++;
                }

                await Task.Delay(10, _cts.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or TimeoutException or InvalidOperationException)
        {
            // The call is over.
        }
    }

    public Task SendMediaAsync(byte[] payload, long? chunk = null) =>
        _wire.BinaryAudio ? SendBinaryAsync(payload) : SendTextAsync(_wire.Media(payload, chunk ?? _wire.NextChunk()));

    public Task DtmfAsync(string digit) => SendTextAsync(_wire.Dtmf(digit));

    /// <summary>The call hangs up: Twilio and Telnyx send stop; Vonage closes the socket.</summary>
    public async Task StopAsync()
    {
        if (_wire.Stop() is { } stop)
        {
            await SendTextAsync(stop);
            return;
        }

        await _send.WaitAsync(ServiceHost.Timeout);
        try
        {
            using var t = new CancellationTokenSource(ServiceHost.Timeout);
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "hang up", t.Token);
        }
        finally
        {
            _send.Release();
        }
    }

    public Task SendJsonAsync(object message) => SendTextAsync(JsonSerializer.Serialize(message));

    public Task SendTextAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public Task SendBinaryAsync(byte[] data) => SendAsync(data, WebSocketMessageType.Binary);

    private async Task SendAsync(byte[] data, WebSocketMessageType type)
    {
        await _send.WaitAsync(_cts.Token).WaitAsync(ServiceHost.Timeout);
        try
        {
            await _socket.SendAsync(data, type, true, _cts.Token).WaitAsync(ServiceHost.Timeout);
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>Waits until <paramref name="done"/> holds for what was received; throws with a summary after the timeout.</summary>
    public async Task WaitUntilAsync(Func<CarrierSimulator, bool> done, string what, Func<string>? context = null, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? Patience);
        while (DateTime.UtcNow < until)
        {
            lock (_gate)
            {
                if (done(this))
                {
                    return;
                }
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"{what}: not seen in time; received {Describe()}; {context?.Invoke()}");
    }

    public int Count(string kind)
    {
        lock (_gate)
        {
            return Received.Count(r => r.Kind == kind);
        }
    }

    public List<(string Kind, object? Value, DateTime At)> Snapshot()
    {
        lock (_gate)
        {
            return [.. Received];
        }
    }

    public string Describe()
    {
        lock (_gate)
        {
            return string.Join(", ", Received.GroupBy(r => r.Kind).Select(g => $"{g.Count()} {g.Key}")) + $"; echoed [{string.Join(" ", Echoed)}]; closed {CloseStatus} {_socket.CloseStatusDescription}";
        }
    }

    public async Task WaitForCloseAsync() => await _receiving.WaitAsync(Patience);

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        await _playing.ContinueWith(_ => { }, TaskScheduler.Default);
        await _microphone.ContinueWith(_ => { }, TaskScheduler.Default);
        if (_socket.State == WebSocketState.Open)
        {
            using var t = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", t.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        await _receiving.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        _socket.Dispose();
        _cts.Dispose();
        _send.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                using var ms = new MemoryStream();
                WebSocketReceiveResult r;
                do
                {
                    r = await _socket.ReceiveAsync(buffer, _cts.Token);
                    await ms.WriteAsync(buffer.AsMemory(0, r.Count), _cts.Token);
                }
                while (!r.EndOfMessage);

                if (r.MessageType == WebSocketMessageType.Close)
                {
                    lock (_gate)
                    {
                        Received.Add(("close", _socket.CloseStatusDescription, DateTime.UtcNow));
                    }

                    return;
                }

                try
                {
                    OnMessage(ms.ToArray(), r.MessageType);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A message the carrier would not accept: recorded, so the test fails on it with the reason.
                    lock (_gate)
                    {
                        Received.Add(("invalid: " + ex.Message, ms.ToArray(), DateTime.UtcNow));
                    }
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }
    }

    private void OnMessage(byte[] data, WebSocketMessageType type)
    {
        var message = _wire.Parse(data, type);
        lock (_gate)
        {
            switch (message.Kind)
            {
                case "media":
                    var audio = message.Audio!;
                    Received.Add(("media", audio, DateTime.UtcNow));
                    for (var off = 0; off < audio.Length; off += _wire.FrameBytes)
                    {
                        _line.Enqueue(audio[off..Math.Min(audio.Length, off + _wire.FrameBytes)]);
                    }

                    break;
                case "mark":
                    Received.Add(("mark", message.Mark, DateTime.UtcNow));
                    _line.Enqueue(message.Mark!);
                    break;
                case "clear":
                    Received.Add(("clear", null, DateTime.UtcNow));
                    var dropped = _line.OfType<string>().ToList();
                    _line.Clear();
                    foreach (var m in dropped)
                    {
                        Echo(m);
                    }

                    if (_wire.ClearAnswer() is { } cleared)
                    {
                        _ = SendTextAsync(cleared).ContinueWith(_ => { }, TaskScheduler.Default);
                    }

                    break;
                default:
                    Received.Add((message.Kind, null, DateTime.UtcNow));
                    break;
            }
        }
    }

    /// <summary>The line: every 20 ms one frame of the agent's audio plays; a mark at the head is echoed when reached.</summary>
    private async Task PlayLoopAsync()
    {
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        try
        {
            while (await tick.WaitForNextTickAsync(_cts.Token))
            {
                lock (_gate)
                {
                    while (_line.TryPeek(out var head) && head is string mark)
                    {
                        _line.Dequeue();
                        Echo(mark);
                    }

                    if (_line.TryDequeue(out var audio))
                    {
                        _heard.AddRange((byte[])audio);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    // Called under the lock; the send is fire-and-forget ordered by the socket's own send lock in a task.
    private void Echo(string mark)
    {
        Echoed.Add(mark);
        EchoedAt.Add((mark, DateTime.UtcNow));
        _ = SendTextAsync(_wire.MarkEcho(mark)).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
