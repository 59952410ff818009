using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Harness.Phone;

/// <summary>
/// Plays a carrier (Twilio, Telnyx or Vonage) against the service's phone stream: sends its start, the caller's audio in
/// 20 ms frames at real-time pace (silence between words, as a carrier does), plays the agent's audio on a simulated line
/// and echoes each mark when playback reaches it; a clear drops what is buffered.
/// </summary>
public sealed class PhoneLine(ClientWebSocket socket, string carrier, int rate) : IAsyncDisposable
{
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly Lock _gate = new();
    private readonly Queue<object> _line = new();
    private readonly List<short> _heard = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly string _streamId = "MZ" + Guid.NewGuid().ToString("N");
    private long _chunk;

    public int FrameBytes => carrier == "vonage" ? rate / 50 * 2 : rate / 50;

    /// <summary>When the first agent audio arrived (ms on this line's clock), or null.</summary>
    public double? FirstAudioAt { get; private set; }

    /// <summary>When the last agent audio or mark arrived.</summary>
    public double LastActivityAt { get; private set; }

    public int Marks { get; private set; }

    /// <summary>When the caller last stopped speaking (<see cref="SpeechEnded"/>), or null.</summary>
    public double? SpeechEndAt { get; private set; }

    /// <summary>When the first agent audio after <see cref="SpeechEndAt"/> arrived, or null.</summary>
    public double? ReplyAt { get; private set; }

    /// <summary>How the service closed the stream, once it has.</summary>
    public WebSocketCloseStatus? CloseStatus => socket.CloseStatus;

    /// <summary>The caller has just stopped speaking: the next agent audio is the reply to it.</summary>
    public void SpeechEnded()
    {
        lock (_gate)
        {
            SpeechEndAt = Now;
            ReplyAt = null;
        }
    }

    /// <summary>
    /// The stream URL the carrier connects to: the key on the URL for Telnyx and Vonage, which are configured with it;
    /// Twilio's stream URL takes no query string (its key travels in the start message).
    /// </summary>
    public static Uri StreamUrl(Uri url, string carrier, string? key) =>
        carrier != "twilio" && key is not null ? new UriBuilder(url) { Query = "token=" + Uri.EscapeDataString(key) }.Uri : url;

    /// <summary>A WAV's audio as mono PCM16 at the line's rate.</summary>
    public static short[] ToLineRate(AudioChunk wav, int rate)
    {
        var samples = Pcm16.AsSamples(wav.Data.Span);
        var mono = wav.Format.Channels == 1 ? samples.ToArray() : AudioConversion.ToMono(samples, wav.Format.Channels);
        if (wav.Format.SampleRate == rate)
        {
            return mono;
        }

        // The harness is a client tool: the pipeline's own linear resampler is enough to play a carrier's caller.
        var output = new List<short>();
        using var resampler = new LinearResampler(wav.Format.SampleRate, rate);
        resampler.Process(mono, output);
        resampler.Flush(output);
        return [.. output];
    }

    public int Clears { get; private set; }

    public double Now => _clock.Elapsed.TotalMilliseconds;

    /// <summary>True while agent audio is still queued on the line.</summary>
    public bool Playing
    {
        get
        {
            lock (_gate)
            {
                return _line.Count > 0;
            }
        }
    }

    /// <summary>What the caller heard, as PCM16 at the line's rate.</summary>
    public short[] Heard
    {
        get
        {
            lock (_gate)
            {
                return [.. _heard];
            }
        }
    }

    public static async Task<PhoneLine> ConnectAsync(Uri url, string carrier, int rate, CancellationToken ct)
    {
#pragma warning disable CA2000 // Owned by the PhoneLine returned below, or disposed in the catch.
        var socket = new ClientWebSocket();
#pragma warning restore CA2000
        try
        {
            await socket.ConnectAsync(url, ct);
        }
        catch (WebSocketException ex)
        {
            socket.Dispose();
            throw new HarnessException($"could not connect to {url}: {ex.Message}");
        }

        return new PhoneLine(socket, carrier, rate);
    }

    public Task StartAsync(string from, string callId, string? token) => carrier switch
    {
        "telnyx" => SendJsonAsync(new
        {
            @event = "start",
            sequence_number = "1",
            start = new { call_control_id = callId, from, to = "+10000000000", media_format = new { encoding = "PCMU", sample_rate = rate, channels = 1 } },
            stream_id = _streamId,
        }),
        "vonage" => SendJsonAsync(new Dictionary<string, string> { ["event"] = "websocket:connected", ["content-type"] = $"audio/l16;rate={rate}", ["from"] = from, ["uuid"] = callId }),
        _ => StartTwilioAsync(from, callId, token),
    };

    /// <summary>Sends one 20 ms frame of PCM16 at the line's rate, coded as the carrier does.</summary>
    public Task SendFrameAsync(ReadOnlySpan<short> pcm)
    {
        if (carrier == "vonage")
        {
            return SendAsync(Pcm16.ToBytes(pcm), WebSocketMessageType.Binary);
        }

        var coded = new byte[pcm.Length];
        G711.MuLawEncode(pcm, coded);
        var n = (++_chunk).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var payload = Convert.ToBase64String(coded);
        return carrier == "telnyx"
            ? SendJsonAsync(new { @event = "media", media = new { track = "inbound", chunk = n, timestamp = n, payload }, stream_id = _streamId })
            : SendJsonAsync(new { @event = "media", streamSid = _streamId, media = new { track = "inbound", chunk = n, timestamp = n, payload } });
    }

    public async Task HangUpAsync(CancellationToken ct)
    {
        if (carrier == "vonage")
        {
            await _send.WaitAsync(ct);
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "hang up", ct);
            }
            finally
            {
                _send.Release();
            }

            return;
        }

        await SendJsonAsync(carrier == "telnyx" ? new { @event = "stop", stream_id = _streamId } : new { @event = "stop", streamSid = _streamId });
    }

    /// <summary>Reads the service's messages until the socket closes; plays the line meanwhile.</summary>
    public async Task ReceiveAsync(CancellationToken ct)
    {
        using var play = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var playing = PlayAsync(play.Token);
        var buffer = new byte[64 * 1024];
        try
        {
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                using var ms = new MemoryStream();
                WebSocketReceiveResult r;
                do
                {
                    r = await socket.ReceiveAsync(buffer, ct);
                    await ms.WriteAsync(buffer.AsMemory(0, r.Count), ct);
                }
                while (!r.EndOfMessage);

                if (r.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                OnMessage(ms.ToArray(), r.MessageType);
            }
        }
        catch (WebSocketException)
        {
        }
        finally
        {
            await play.CancelAsync();
            await playing.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (socket.State == WebSocketState.Open)
        {
            using var t = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", t.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        socket.Dispose();
        _send.Dispose();
    }

    private Task StartTwilioAsync(string from, string callSid, string? token)
    {
        var parameters = new Dictionary<string, string> { ["from"] = from, ["callSid"] = callSid };
        if (token is not null)
        {
            parameters["token"] = token;
        }

        return SendJsonAsync(new
        {
            @event = "start",
            sequenceNumber = "1",
            streamSid = _streamId,
            start = new { streamSid = _streamId, accountSid = "AC0", callSid, tracks = new[] { "inbound" }, customParameters = parameters, mediaFormat = new { encoding = "audio/x-mulaw", sampleRate = 8000, channels = 1 } },
        });
    }

    private void OnMessage(byte[] data, WebSocketMessageType type)
    {
        lock (_gate)
        {
            LastActivityAt = Now;
            if (type == WebSocketMessageType.Binary)
            {
                Queue(Pcm16.ToSamples(data));
                return;
            }

            using var doc = JsonDocument.Parse(data);
            var root = doc.RootElement;
            var kind = carrier == "vonage"
                ? (root.TryGetProperty("action", out var a) ? a.GetString() : null) switch { "notify" => "mark", var x => x }
                : root.TryGetProperty("event", out var e) ? e.GetString() : null;
            switch (kind)
            {
                case "media":
                    var coded = Convert.FromBase64String(root.GetProperty("media").GetProperty("payload").GetString()!);
                    var pcm = new short[coded.Length];
                    G711.MuLawDecode(coded, pcm);
                    Queue(pcm);
                    break;
                case "mark":
                    Marks++;
                    _line.Enqueue(root.GetProperty(carrier == "vonage" ? "payload" : "mark").GetProperty("name").GetString()!);
                    break;
                case "clear":
                    Clears++;
                    foreach (var mark in _line.OfType<string>().ToList())
                    {
                        Echo(mark);
                    }

                    _line.Clear();
                    break;
            }
        }
    }

    // Under the lock.
    private void Queue(short[] pcm)
    {
        FirstAudioAt ??= Now;
        if (SpeechEndAt is not null)
        {
            ReplyAt ??= Now;
        }

        var frame = rate / 50;
        for (var off = 0; off < pcm.Length; off += frame)
        {
            _line.Enqueue(pcm[off..Math.Min(pcm.Length, off + frame)]);
        }
    }

    private async Task PlayAsync(CancellationToken ct)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        try
        {
            while (await tick.WaitForNextTickAsync(ct))
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
                        _heard.AddRange((short[])audio);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    // Under the lock: the send runs on its own, ordered by the send semaphore.
    private void Echo(string mark)
    {
        object message = carrier switch
        {
            "telnyx" => new { @event = "mark", stream_id = _streamId, mark = new { name = mark } },
            "vonage" => new Dictionary<string, object> { ["event"] = "websocket:notify", ["payload"] = new { name = mark } },
            _ => new { @event = "mark", streamSid = _streamId, mark = new { name = mark } },
        };
        _ = SendJsonAsync(message).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private Task SendJsonAsync(object message) => SendAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(message)), WebSocketMessageType.Text);

    private async Task SendAsync(byte[] data, WebSocketMessageType type)
    {
        await _send.WaitAsync();
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                await socket.SendAsync(data, type, true, CancellationToken.None);
            }
        }
        finally
        {
            _send.Release();
        }
    }
}
