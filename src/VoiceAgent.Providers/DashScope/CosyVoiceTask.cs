using System.Globalization;
using System.Runtime.CompilerServices;
using VoiceAgent.Pipeline.Tts;

namespace VoiceAgent.Providers.DashScope;

/// <summary>
/// One CosyVoice synthesis task on one connection: text goes in by <c>continue-task</c> (whole or in pieces: CosyVoice
/// splits sentences itself and holds an unfinished one until it is complete or the task is finished), and the server's
/// sentence events and binary PCM frames come out in order until <c>task-finished</c>.
/// </summary>
/// <remarks>
/// Once <c>finish-task</c> is sent the server owes everything left, so a silence of the engine's <c>Timeout</c> between
/// two of its messages from then on is a stalled task (an engine failure). Before that, a quiet server may only be
/// holding an unfinished sentence while the LLM is slow, so the server's silence is not what is bounded there: the LLM's
/// is, by <c>MaxTextGap</c> between two texts, so a reply whose text stopped coming without an end cannot hold the turn.
/// </remarks>
internal sealed class CosyVoiceTask : IAsyncDisposable
{
    private readonly DashScopeConnectionPool _pool;
    private readonly DashScopeConnection _connection;
    private readonly string _taskId;
    private readonly string _engine;
    private readonly TimeSpan _stallTimeout;
    private readonly CancellationTokenSource _stalled = new();
    private readonly TimeSpan _maxTextGap;
    private readonly CancellationTokenSource _textGap = new();
    private int _finishing;
    private bool _finishedCleanly;
    private int _disposed;

    private CosyVoiceTask(DashScopeConnectionPool pool, DashScopeConnection connection, string taskId, string engine, int sampleRate, TimeSpan stallTimeout, TimeSpan maxTextGap)
    {
        _stallTimeout = stallTimeout;
        _maxTextGap = maxTextGap;
        _textGap.CancelAfter(maxTextGap);
        _pool = pool;
        _connection = connection;
        _taskId = taskId;
        _engine = engine;
        SampleRate = sampleRate;
    }

    public int SampleRate { get; }

    public static async Task<CosyVoiceTask> StartAsync(
        DashScopeConnectionPool pool, DashScopeEngineOptions options, string voice, int sampleRate, float speed, CancellationToken cancellationToken)
    {
        var taskId = Guid.NewGuid().ToString("N");
        var run = DashScopeCommands.RunTask(taskId, "tts", "SpeechSynthesizer", options.Model, w =>
        {
            w.WriteString("text_type", "PlainText");
            w.WriteString("voice", voice);
            w.WriteString("format", "pcm");
            w.WriteNumber("sample_rate", sampleRate);
            w.WriteNumber("volume", 50);
            w.WriteNumber("rate", Math.Round(Math.Clamp(speed, 0.5f, 2f), 2));
            w.WriteNumber("pitch", 1.0);
        });
        var connection = await pool.StartTaskAsync(run, taskId, cancellationToken);
        return new CosyVoiceTask(pool, connection, taskId, options.Name, sampleRate, options.Timeout, options.MaxTextGap);
    }

    public Task SendTextAsync(string text, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _finishing) == 0)
        {
            _textGap.CancelAfter(_maxTextGap); // counts from the latest text
        }

        return _connection.SendCommandAsync(DashScopeCommands.ContinueTask(_taskId, text), cancellationToken);
    }

    public Task FinishAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _finishing, 1);
        _textGap.CancelAfter(Timeout.InfiniteTimeSpan); // from here the server's silence is bounded instead
        _stalled.CancelAfter(_stallTimeout);
        return _connection.SendCommandAsync(DashScopeCommands.FinishTask(_taskId), cancellationToken);
    }

    /// <summary>Sentence events and audio until task-finished; task-failed throws. Only one reader.</summary>
    public async IAsyncEnumerable<CosyVoiceUpdate> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var receive = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stalled.Token, _textGap.Token);
        while (true)
        {
            DashScopeEvent? e;
            byte[] audio;
            try
            {
                (e, audio) = await _connection.ReceiveAsync(receive.Token);
            }
            catch (OperationCanceledException) when (_stalled.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{this}: nothing from the server for {_stallTimeout.TotalSeconds:0.#} s after finish-task.");
            }
            catch (OperationCanceledException) when (_textGap.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{this}: no new text from the LLM for {_maxTextGap.TotalSeconds:0.#} s before finish-task.");
            }

            if (Volatile.Read(ref _finishing) == 1 && !_stalled.IsCancellationRequested)
            {
                // The server is still talking: the stall bound counts from its latest message.
                _stalled.CancelAfter(_stallTimeout);
            }

            if (e is null)
            {
                if (audio.Length > 0)
                {
                    yield return new CosyVoiceUpdate(CosyVoiceUpdateKind.Audio, "", audio, []);
                }

                continue;
            }

            if (e.TaskId != _taskId)
            {
                continue;
            }

            switch (e.Event)
            {
                case DashScopeEvent.TaskFinished:
                    _finishedCleanly = true;
                    yield break;
                case DashScopeEvent.TaskFailed:
                    throw new DashScopeTaskFailedException(_engine, e.ErrorCode, e.ErrorMessage);
                case DashScopeEvent.ResultGenerated when e.OutputType == "sentence-begin":
                    yield return new CosyVoiceUpdate(CosyVoiceUpdateKind.SentenceBegin, e.OriginalText ?? "", [], []);
                    break;
                case DashScopeEvent.ResultGenerated when e.OutputType == "sentence-end":
                    yield return new CosyVoiceUpdate(CosyVoiceUpdateKind.SentenceEnd, e.OriginalText ?? "", [], Words(e));
                    break;
            }
        }
    }

    /// <summary>A finished task hands its socket back for the next one; otherwise (barge-in, failure) the socket is dropped, which stops the server at once.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return ValueTask.CompletedTask;
        }

        _stalled.Dispose();
        _textGap.Dispose();
        if (_finishedCleanly)
        {
            _pool.Return(_connection);
        }
        else
        {
            _connection.Abort();
            _connection.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    // Word timestamps (ms) as CosyVoice reports them in a sentence's events, when the voice supports them.
    private static IReadOnlyList<WordTimingContent> Words(DashScopeEvent e)
    {
        if (e.Sentence.ValueKind != System.Text.Json.JsonValueKind.Object || !e.Sentence.TryGetProperty("words", out var words) || words.ValueKind != System.Text.Json.JsonValueKind.Array)
        {
            return [];
        }

        var list = new List<WordTimingContent>();
        foreach (var w in words.EnumerateArray())
        {
            if (DashScopeEvent.Str(w, "text") is { Length: > 0 } text && DashScopeEvent.Num(w, "begin_time") is { } begin)
            {
                var end = Math.Max(begin, DashScopeEvent.Num(w, "end_time") ?? begin);
                list.Add(new WordTimingContent(text, TimeSpan.FromMilliseconds(begin), TimeSpan.FromMilliseconds(end - begin)));
            }
        }

        return list;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{_engine} task {_taskId}");
}
