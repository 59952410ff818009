using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace VoiceAgent.Providers.Tests.DashScope;

/// <summary>
/// A local fake of DashScope's WebSocket inference protocol (<c>/api-ws/v1/inference</c>) for CosyVoice and Paraformer,
/// on 127.0.0.1 at a free port, with the event shapes of Alibaba's API reference: run-task → task-started; CosyVoice
/// continue-task text is split into sentences (sentence-begin, then per audio frame a sentence-synthesis event and a
/// binary PCM frame, then sentence-end with words); Paraformer gets binary PCM and answers result-generated sentences;
/// finish-task → task-finished. Failures are scripted.
/// </summary>
internal sealed class FakeDashScopeServer : IAsyncDisposable
{
    private const int FrameMs = 100;
    private readonly LoopbackWebSocketListener _listener;
    private int _ttsTasks;

    private FakeDashScopeServer() => _listener = LoopbackWebSocketListener.Start("/api-ws/v1/inference", ServeAsync);

    public int Port => _listener.Port;

    public string BaseUrl => $"ws://127.0.0.1:{Port}/api-ws/v1/inference";

    /// <summary>Every connection's upgrade headers.</summary>
    public ConcurrentQueue<IReadOnlyDictionary<string, string>> Upgrades { get; } = new();

    /// <summary>Every task, in the order run-task arrived.</summary>
    public ConcurrentQueue<FakeDashScopeTask> Tasks { get; } = new();

    /// <summary>What Paraformer "recognises", whatever the audio.</summary>
    public string Transcript { get; set; } = "what is twelve times seven";

    /// <summary>Length of CosyVoice's audio per character of a sentence.</summary>
    public int MsPerChar { get; set; } = 40;

    /// <summary>How long CosyVoice "thinks" before a sentence's first audio frame (the bench's fixed synthetic delay).</summary>
    public TimeSpan FirstAudioDelay { get; set; }

    /// <summary>Pause between a sentence's audio frames (a slow server, for barge-in tests).</summary>
    public TimeSpan FrameGap { get; set; }

    /// <summary>
    /// Given (CosyVoice task number from 1, sentence index from 0): fail that sentence with task-failed after its first
    /// audio frame. Task numbers count every TTS run-task, retries included.
    /// </summary>
    public Func<int, int, bool>? FailSentence { get; set; }

    /// <summary>CosyVoice goes quiet at finish-task: what it held is never spoken and task-finished never comes.</summary>
    public bool StallAfterFinish { get; set; }

    /// <summary>Given the CosyVoice task number (from 1): answer its run-task with task-failed.</summary>
    public Func<int, bool>? FailRunTask { get; set; }

    public IEnumerable<FakeDashScopeTask> Tts => Tasks.Where(t => t.Task == "tts");

    public IEnumerable<FakeDashScopeTask> Asr => Tasks.Where(t => t.Task == "asr");

    public static FakeDashScopeServer Start() => new();

    /// <summary>The 16-bit mono tone CosyVoice "speaks" (a tone, so the audio is never silent).</summary>
    public static byte[] Tone(int rate, int ms)
    {
        var samples = rate * ms / 1000;
        var pcm = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            var v = (short)(6000 * Math.Sin(2 * Math.PI * 220 * i / rate));
            pcm[2 * i] = (byte)v;
            pcm[(2 * i) + 1] = (byte)(v >> 8);
        }

        return pcm;
    }

    /// <summary>Forgets the tasks so far (the host's start-up warm-up) and numbers CosyVoice tasks from 1 again.</summary>
    public void Forget()
    {
        Tasks.Clear();
        Interlocked.Exchange(ref _ttsTasks, 0);
    }

    public ValueTask DisposeAsync() => _listener.DisposeAsync();

    private async Task ServeAsync(WebSocketUpgrade upgrade, WebSocket ws, CancellationToken stopping)
    {
        Upgrades.Enqueue(upgrade.Headers);
        FakeDashScopeTask? task = null;
        try
        {
            var buffer = new byte[64 * 1024];
            while (!stopping.IsCancellationRequested)
            {
                var (type, data) = await ReceiveAsync(ws, buffer, stopping);
                if (type == WebSocketMessageType.Close)
                {
                    break;
                }

                if (type == WebSocketMessageType.Binary)
                {
                    if (task is { Task: "asr", Done: false })
                    {
                        await OnAsrAudioAsync(ws, task, data.Length, stopping);
                    }

                    continue;
                }

                using var doc = JsonDocument.Parse(data);
                var header = doc.RootElement.GetProperty("header");
                var taskId = header.GetProperty("task_id").GetString()!;
                switch (header.GetProperty("action").GetString())
                {
                    case "run-task":
                        task = new FakeDashScopeTask(taskId, doc.RootElement.Clone());
                        Tasks.Enqueue(task);
                        if (task.Task == "tts")
                        {
                            task.Number = Interlocked.Increment(ref _ttsTasks);
                            if (FailRunTask?.Invoke(task.Number) == true)
                            {
                                task.Done = true;
                                await SendAsync(ws, Failed(taskId, "InvalidParameter", "scripted run-task failure"), stopping);
                                continue;
                            }
                        }

                        await SendAsync(ws, Event(taskId, "task-started", new { }), stopping);
                        break;
                    case "continue-task" when task is { Task: "tts", Done: false }:
                        var text = doc.RootElement.GetProperty("payload").GetProperty("input").GetProperty("text").GetString() ?? "";
                        task.Pieces.Enqueue(new FakeDashScopeTextPiece(text, DateTimeOffset.UtcNow));
                        task.Held.Append(text);
                        await SpeakCompleteSentencesAsync(ws, task, all: false, stopping);
                        break;
                    case "finish-task" when task is { Done: false }:
                        task.FinishReceived = true;
                        if (task.Task == "tts" && StallAfterFinish)
                        {
                            break;
                        }

                        if (task.Task == "tts")
                        {
                            await SpeakCompleteSentencesAsync(ws, task, all: true, stopping);
                        }
                        else
                        {
                            await SendAsync(ws, AsrResult(task.Id, Transcript, sentenceEnd: true), stopping);
                        }

                        if (!task.Done)
                        {
                            task.Done = true;
                            await SendAsync(ws, Event(taskId, "task-finished", new { usage = new { characters = task.Spoken.Sum(s => s.Length) } }), stopping);
                        }

                        break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The client dropped the socket: a barge-in, a failure, or the end of the test.
        }
        finally
        {
            if (task is { Done: false })
            {
                task.ClosedEarly = true;
            }
        }
    }

    private async Task OnAsrAudioAsync(WebSocket ws, FakeDashScopeTask task, int bytes, CancellationToken stopping)
    {
        task.AudioBytes += bytes;
        if (!task.PartialSent && task.AudioBytes >= 16_000)
        {
            task.PartialSent = true;
            var words = Transcript.Split(' ');
            await SendAsync(ws, AsrResult(task.Id, string.Join(' ', words.Take(Math.Max(1, words.Length / 2))), sentenceEnd: false), stopping);
        }
    }

    private async Task SpeakCompleteSentencesAsync(WebSocket ws, FakeDashScopeTask task, bool all, CancellationToken stopping)
    {
        var rate = task.Parameters.TryGetProperty("sample_rate", out var r) ? r.GetInt32() : 22_050;
        while (NextSentence(task.Held, all) is { } sentence)
        {
            var index = task.Spoken.Count;
            task.Spoken.Add(sentence);
            if (index == 0)
            {
                task.FirstSentenceAt = System.Diagnostics.Stopwatch.GetTimestamp();
            }

            await SendAsync(ws, Result(task.Id, "sentence-begin", index, [], sentence), stopping);
            if (FirstAudioDelay > TimeSpan.Zero)
            {
                await Task.Delay(FirstAudioDelay, stopping);
            }

            var audio = Tone(rate, Math.Max(FrameMs, sentence.Trim().Length * MsPerChar));
            var frame = rate * FrameMs / 1000 * 2;
            for (var at = 0; at < audio.Length; at += frame)
            {
                await SendAsync(ws, Result(task.Id, "sentence-synthesis", index, [], null), stopping);
                if (task.FirstAudioAt == 0)
                {
                    task.FirstAudioAt = System.Diagnostics.Stopwatch.GetTimestamp();
                }

                await ws.SendAsync(audio.AsMemory(at, Math.Min(frame, audio.Length - at)), WebSocketMessageType.Binary, true, stopping);
                task.AudioBytes += Math.Min(frame, audio.Length - at);
                if (at == 0 && FailSentence?.Invoke(task.Number, index) == true)
                {
                    task.Done = true;
                    await SendAsync(ws, Failed(task.Id, "InternalError", "scripted failure mid-sentence"), stopping);
                    return;
                }

                if (FrameGap > TimeSpan.Zero)
                {
                    await Task.Delay(FrameGap, stopping);
                }
            }

            var ms = audio.Length / 2 * 1000 / rate;
            var words = sentence.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var per = ms / Math.Max(1, words.Length);
            await SendAsync(ws, Result(task.Id, "sentence-end", index, [.. words.Select((w, i) => new { text = w, begin_index = i, end_index = i + 1, begin_time = i * per, end_time = (i + 1) * per })], sentence), stopping);
        }
    }

    // CosyVoice splits on sentence-ending punctuation itself; at finish-task whatever is held is one last sentence.
    private static string? NextSentence(StringBuilder held, bool all)
    {
        var s = held.ToString();
        for (var i = 0; i < s.Length; i++)
        {
            if ("。！？!?；;".Contains(s[i]) || (s[i] == '.' && (i + 1 == s.Length ? false : char.IsWhiteSpace(s[i + 1]))))
            {
                held.Remove(0, i + 1);
                return s[..(i + 1)];
            }
        }

        if (all && s.Trim().Length > 0)
        {
            held.Clear();
            return s;
        }

        return null;
    }

    private static object Event(string taskId, string name, object payload) => new { header = new { task_id = taskId, @event = name, attributes = new { } }, payload };

    private static object Failed(string taskId, string code, string message) =>
        new { header = new { task_id = taskId, @event = "task-failed", error_code = code, error_message = message, attributes = new { } }, payload = new { } };

    private static object Result(string taskId, string type, int index, object[] words, string? text) => Event(taskId, "result-generated", text is null
        ? new { output = (object)new { sentence = new { index, words }, type } }
        : new { output = (object)new { sentence = new { index, words }, type, original_text = text } });

    private static object AsrResult(string taskId, string text, bool sentenceEnd) => Event(taskId, "result-generated", new
    {
        output = new
        {
            sentence = new
            {
                begin_time = 170,
                end_time = sentenceEnd ? 920 : (int?)null,
                text,
                heartbeat = false,
                sentence_end = sentenceEnd,
                words = text.Split(' ').Select((w, i) => new { begin_time = 170 + (i * 100), end_time = 270 + (i * 100), text = w, punctuation = "" }).ToArray(),
            },
        },
        usage = sentenceEnd ? new { duration = 1 } : null,
    });

    private static async Task SendAsync(WebSocket ws, object message, CancellationToken stopping) =>
        await ws.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, stopping);

    private static async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveAsync(WebSocket ws, byte[] buffer, CancellationToken stopping)
    {
        using var ms = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await ws.ReceiveAsync(buffer, stopping);
            await ms.WriteAsync(buffer.AsMemory(0, result.Count), stopping);
        }
        while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
        return (result.MessageType, ms.ToArray());
    }
}
