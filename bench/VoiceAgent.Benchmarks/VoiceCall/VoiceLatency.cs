using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace VoiceAgent.Benchmarks.VoiceCall;

/// <summary>
/// Voice-to-voice latency over <c>/chat/voice_call</c> of a running service: plays flite-spoken questions at real-time
/// pace in 20 ms seed-style JSON frames, with silence between (the stream never pauses, so its clock is the wall clock),
/// and times from the moment the frame holding the question's last non-silent sample was sent to the first binary
/// (agent audio) frame received, minus the server's EndSilenceMs. Also collects <c>turn_end</c>'s server-side
/// <c>latency_ms</c>, which counts from the VAD's decision.
/// </summary>
/// <remarks>Usage: <c>voice-latency --url ws://127.0.0.1:PORT/chat/voice_call [--turns 24] [--end-silence-ms 500] ["question" ...]</c>.</remarks>
public static class VoiceLatency
{
    private const int ChunkBytes = 640; // 20 ms
    private static readonly byte[] Silence = new byte[ChunkBytes];

    public static async Task<int> RunAsync(string[] args)
    {
        Uri? url = null;
        int turns = 24, endSilenceMs = 500;
        var questions = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--url": url = new Uri(args[++i]); break;
                case "--turns": turns = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--end-silence-ms": endSilenceMs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: questions.Add(args[i]); break;
            }
        }

        if (url is null)
        {
            await Console.Error.WriteLineAsync("usage: voice-latency --url ws://127.0.0.1:PORT/chat/voice_call [--turns N] [--end-silence-ms MS] [\"question\" ...]");
            return 2;
        }

        if (questions.Count == 0)
        {
            questions.AddRange(["what time is it", "what is two plus three", "what are your opening hours", "hello how are you today"]);
        }

        var audio = new List<(string Text, byte[] Pcm, int LastChunk)>();
        foreach (var q in questions)
        {
            var pcm = await Speech.FliteAsync(q, default);
            audio.Add((q, pcm, Speech.LastNonSilentSample(pcm) * 2 / ChunkBytes));
        }

        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer bench");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30 + (turns * 8)));
        await socket.ConnectAsync(url, deadline.Token);
        var state = new CallState();
        var receiving = Task.Run(() => ReceiveAsync(socket, state, deadline.Token));
        var sessionId = "bench-voice-" + Guid.NewGuid().ToString("N")[..8];
        var clock = Stopwatch.StartNew();
        long sent = 0;

        // Sends one 20 ms frame when its time comes on the stream clock; returns the wall time it went out.
        async Task<long> SendAsync(ReadOnlyMemory<byte> pcm)
        {
            var due = TimeSpan.FromMilliseconds(sent * 20);
            if (due - clock.Elapsed is { TotalMilliseconds: > 0.5 } wait)
            {
                await Task.Delay(wait, deadline.Token);
            }

            var json = $"{{\"audio\":\"{Convert.ToBase64String(pcm.Span)}\",\"meta_info\":{{\"session_id\":\"{sessionId}\",\"encoding\":\"raw\"}},\"is_close\":false}}";
            var at = Stopwatch.GetTimestamp();
            await socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, deadline.Token);
            sent++;
            return at;
        }

        var loadBefore = Percentiles.LoadAverage();
        var e2e = new List<double>();
        var server = new Dictionary<string, List<double>> { ["asr_final"] = [], ["llm_first_token"] = [], ["first_audio"] = [] };
        var missed = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            await SendAsync(Silence);
        }

        for (var turn = -1; turn < turns; turn++) // turn -1 warms the engines up and is not counted
        {
            var (text, pcm, lastChunk) = audio[(turn + audio.Count) % audio.Count];
            state.BeginTurn();
            long endOfSpeech = 0;
            for (var c = 0; c * ChunkBytes < pcm.Length; c++)
            {
                var part = pcm.AsMemory(c * ChunkBytes, Math.Min(ChunkBytes, pcm.Length - (c * ChunkBytes)));
                var at = await SendAsync(part.Length == ChunkBytes ? part : Pad(part));
                if (c == lastChunk)
                {
                    endOfSpeech = at;
                }
            }

            var waitUntil = clock.Elapsed + TimeSpan.FromSeconds(6);
            while (!state.TurnEnded && clock.Elapsed < waitUntil)
            {
                await SendAsync(Silence);
            }

            for (var i = 0; i < 15; i++)
            {
                await SendAsync(Silence); // a short pause before the next question
            }

            if (turn < 0)
            {
                continue;
            }

            if (state.FirstAudio == 0 || !state.TurnEnded)
            {
                missed.Add($"\"{text}\" (heard \"{state.Heard}\")");
                continue;
            }

            e2e.Add(Stopwatch.GetElapsedTime(endOfSpeech, state.FirstAudio).TotalMilliseconds - endSilenceMs);
            foreach (var (k, list) in server)
            {
                if (state.Latency is { } l && l.TryGetProperty(k, out var v) && v.ValueKind == JsonValueKind.Number)
                {
                    list.Add(v.GetDouble());
                }
            }
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        await receiving.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);

        var s = Percentiles.Sorted(e2e);
        Console.WriteLine($"voice-latency: {s.Count} turns answered of {turns}, one call, questions played at real-time pace, EndSilenceMs {endSilenceMs}; load average before {loadBefore}, after {Percentiles.LoadAverage()}");
        Console.WriteLine("| measure | p50 ms | p95 ms | max ms |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| client: end of speech → first agent audio byte, minus EndSilenceMs | {Percentiles.F(Percentiles.Of(s, 50))} | {Percentiles.F(Percentiles.Of(s, 95))} | {Percentiles.F(s.LastOrDefault())} |");
        foreach (var (k, list) in server)
        {
            var l = Percentiles.Sorted(list);
            Console.WriteLine($"| server turn_end latency_ms.{k} (from the VAD's decision) | {Percentiles.F(Percentiles.Of(l, 50))} | {Percentiles.F(Percentiles.Of(l, 95))} | {Percentiles.F(l.LastOrDefault())} |");
        }

        foreach (var m in missed)
        {
            Console.WriteLine($"no reply: {m}");
        }

        return s.Count == 0 ? 1 : 0;
    }

    private static byte[] Pad(ReadOnlyMemory<byte> part)
    {
        var b = new byte[ChunkBytes];
        part.Span.CopyTo(b);
        return b;
    }

    private static async Task ReceiveAsync(ClientWebSocket socket, CallState state, CancellationToken ct)
    {
        var buffer = new byte[256 * 1024];
        try
        {
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var filled = 0;
                ValueWebSocketReceiveResult r;
                do
                {
                    r = await socket.ReceiveAsync(buffer.AsMemory(filled), ct);
                    filled += r.Count;
                }
                while (!r.EndOfMessage && filled < buffer.Length);

                var now = Stopwatch.GetTimestamp();
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (r.MessageType == WebSocketMessageType.Binary)
                {
                    state.Audio(now);
                    continue;
                }

                using var doc = JsonDocument.Parse(buffer.AsMemory(0, filled));
                var type = doc.RootElement.GetProperty("type").GetString();
                if (type == "asr" && doc.RootElement.TryGetProperty("final", out var f) && f.GetBoolean())
                {
                    state.Heard = doc.RootElement.GetProperty("msg").GetString();
                }
                else if (type == "turn_end")
                {
                    state.End(doc.RootElement.TryGetProperty("latency_ms", out var l) ? l.Clone() : null);
                }
                else if (type == "error")
                {
                    Console.WriteLine("server error frame: " + Encoding.UTF8.GetString(buffer, 0, filled));
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
    }

    private sealed class CallState
    {
        private readonly object _gate = new();
        private long _firstAudio;
        private bool _ended;
        private JsonElement? _latency;

        public string? Heard { get; set; }

        public long FirstAudio { get { lock (_gate) { return _firstAudio; } } }

        public bool TurnEnded { get { lock (_gate) { return _ended; } } }

        public JsonElement? Latency { get { lock (_gate) { return _latency; } } }

        public void BeginTurn()
        {
            lock (_gate)
            {
                (_firstAudio, _ended, _latency, Heard) = (0, false, null, null);
            }
        }

        public void Audio(long at)
        {
            lock (_gate)
            {
                if (_firstAudio == 0 && !_ended)
                {
                    _firstAudio = at;
                }
            }
        }

        public void End(JsonElement? latency)
        {
            lock (_gate)
            {
                (_ended, _latency) = (true, latency);
            }
        }
    }
}
