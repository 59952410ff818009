using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
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
    private readonly CarrierWire _wire = new(carrier);

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
        var output = new ArrayBufferWriter<short>();
        using var resampler = new LinearResampler(wav.Format.SampleRate, rate);
        resampler.Process(mono, output);
        resampler.Flush(output);
        return output.WrittenSpan.ToArray();
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

    public Task StartAsync(string from, string callId, string? token) =>
        SendJsonAsync(_wire.Start(from, callId, token is null ? null : new Dictionary<string, string> { ["token"] = token }, rate: rate));

    /// <summary>Sends one 20 ms frame of PCM16 at the line's rate, coded as the carrier does.</summary>
    public Task SendFrameAsync(ReadOnlySpan<short> pcm)
    {
        var coded = _wire.Encode(pcm);
        return _wire.BinaryAudio ? SendAsync(coded, WebSocketMessageType.Binary) : SendJsonAsync(_wire.Media(coded, _wire.NextChunk()));
    }

    public async Task HangUpAsync(CancellationToken ct)
    {
        if (_wire.Stop() is { } stop)
        {
            await SendJsonAsync(stop);
            return;
        }

        await _send.WaitAsync(ct);
        try
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "hang up", ct);
        }
        finally
        {
            _send.Release();
        }
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

    private void OnMessage(byte[] data, WebSocketMessageType type)
    {
        lock (_gate)
        {
            LastActivityAt = Now;
            var message = _wire.Parse(data, type);
            switch (message.Kind)
            {
                case "media":
                    Queue(_wire.Decode(message.Audio!));
                    break;
                case "mark":
                    Marks++;
                    _line.Enqueue(message.Mark!);
                    break;
                case "clear":
                    Clears++;
                    foreach (var mark in _line.OfType<string>().ToList())
                    {
                        Echo(mark);
                    }

                    _line.Clear();
                    if (_wire.ClearAnswer() is { } cleared)
                    {
                        _ = SendJsonAsync(cleared).ContinueWith(_ => { }, TaskScheduler.Default);
                    }

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
    private void Echo(string mark) => _ = SendJsonAsync(_wire.MarkEcho(mark)).ContinueWith(_ => { }, TaskScheduler.Default);

    private Task SendJsonAsync(string json) => SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text);

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
