using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace VoiceAgent.Benchmarks.TurnTaking;

/// <summary>
/// One call on <c>/chat/voice_call</c> that streams audio at real-time pace in 20 ms JSON frames and never pauses the
/// stream (silence fills every gap, as a microphone would), recording every frame the service sends with its arrival time.
/// </summary>
public sealed class PacedCall : IAsyncDisposable
{
    private const int ChunkBytes = 640; // 20 ms at 16 kHz
    private static readonly byte[] SilenceChunk = new byte[ChunkBytes];

    private readonly ClientWebSocket _socket = new();
    private readonly List<Event> _events = [];
    private readonly string _session = "turns-" + Guid.NewGuid().ToString("N")[..10];
    private readonly Stopwatch _clock = new();
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromMinutes(2));
    private Task _receiving = Task.CompletedTask;
    private long _sent;

    /// <summary>Stopwatch timestamps of what the service sent, in order.</summary>
    public IReadOnlyList<Event> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public static async Task<PacedCall> ConnectAsync(Uri url, CancellationToken cancellationToken)
    {
        var call = new PacedCall();
        call._socket.Options.SetRequestHeader("Authorization", "Bearer bench");
        await call._socket.ConnectAsync(url, cancellationToken);
        call._receiving = Task.Run(call.ReceiveAsync, CancellationToken.None);
        call._clock.Start();
        return call;
    }

    /// <summary>Streams <paramref name="pcm"/>; returns the send time (Stopwatch timestamp) of each 20 ms chunk.</summary>
    public async Task<long[]> PlayAsync(byte[] pcm)
    {
        var times = new long[(pcm.Length + ChunkBytes - 1) / ChunkBytes];
        for (var c = 0; c < times.Length; c++)
        {
            var part = pcm.AsMemory(c * ChunkBytes, Math.Min(ChunkBytes, pcm.Length - (c * ChunkBytes)));
            var chunk = part.Length == ChunkBytes ? part : Pad(part);
            times[c] = await SendAsync(chunk);
        }

        return times;
    }

    /// <summary>Streams silence for <paramref name="ms"/>, or until <paramref name="until"/> holds (checked every 20 ms).</summary>
    public async Task SilenceAsync(double ms, Func<IReadOnlyList<Event>, bool>? until = null)
    {
        for (var t = 0.0; t < ms; t += 20)
        {
            if (until is not null && until(Events))
            {
                return;
            }

            await SendAsync(SilenceChunk);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is WebSocketException or TimeoutException or OperationCanceledException)
        {
        }

        await _stop.CancelAsync();
        await _receiving.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task<long> SendAsync(ReadOnlyMemory<byte> pcm)
    {
        var due = TimeSpan.FromMilliseconds(_sent * 20);
        if (due - _clock.Elapsed is { TotalMilliseconds: > 0.5 } wait)
        {
            await Task.Delay(wait, _stop.Token);
        }

        var json = $"{{\"audio\":\"{Convert.ToBase64String(pcm.Span)}\",\"meta_info\":{{\"session_id\":\"{_session}\",\"encoding\":\"raw\"}},\"is_close\":false}}";
        var at = Stopwatch.GetTimestamp();
        await _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, _stop.Token);
        _sent++;
        return at;
    }

    private static byte[] Pad(ReadOnlyMemory<byte> part)
    {
        var b = new byte[ChunkBytes];
        part.Span.CopyTo(b);
        return b;
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[512 * 1024];
        try
        {
            while (_socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var filled = 0;
                ValueWebSocketReceiveResult r;
                do
                {
                    r = await _socket.ReceiveAsync(buffer.AsMemory(filled), _stop.Token);
                    filled += r.Count;
                }
                while (!r.EndOfMessage && filled < buffer.Length);

                var now = Stopwatch.GetTimestamp();
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                Event e;
                if (r.MessageType == WebSocketMessageType.Binary)
                {
                    e = new Event(now, "audio", 0, false, null, filled);
                }
                else
                {
                    using var doc = JsonDocument.Parse(buffer.AsMemory(0, filled));
                    var root = doc.RootElement;
                    e = new Event(
                        now,
                        root.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "",
                        root.TryGetProperty("turn_id", out var id) && id.ValueKind == JsonValueKind.Number ? id.GetInt64() : 0,
                        root.TryGetProperty("final", out var f) && f.ValueKind == JsonValueKind.True,
                        root.TryGetProperty("msg", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null,
                        0);
                }

                lock (_events)
                {
                    _events.Add(e);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or JsonException)
        {
        }
    }

    /// <summary>One frame from the service: its type ("audio" for binary), turn id, ASR finality, text and audio bytes.</summary>
    public sealed record Event(long At, string Type, long TurnId, bool Final, string? Msg, int AudioBytes);
}
