using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Asr;

namespace VoiceAgent.Providers.DashScope;

/// <summary>
/// Paraformer real-time recognition over DashScope's WebSocket API: the audio is sent as binary frames while it is read
/// (the user may still be speaking), and each <c>result-generated</c> sentence comes back as a partial
/// (<c>sentence_end: false</c>, the text so far) or a final (<c>sentence_end: true</c>).
/// </summary>
/// <remarks>Input is 16-bit mono PCM at <see cref="SpeechToTextOptions.SpeechSampleRate"/> (16 kHz unless told), as the pipeline and the transcription endpoint hand it over.</remarks>
public sealed class DashScopeSpeechToTextClient : ISpeechToTextClient
{
    private const int SendBytes = 3_200; // 100 ms at 16 kHz: the frame size Alibaba's examples send
    private readonly DashScopeEngineOptions _options;
    private readonly DashScopeConnectionPool _pool;
    private readonly SpeechToTextClientMetadata _metadata;

    public DashScopeSpeechToTextClient(DashScopeEngineOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid("DashScopeEngineOptions");
        _options = options;
        _pool = new DashScopeConnectionPool(options, timeProvider ?? TimeProvider.System);
        _metadata = new SpeechToTextClientMetadata("dashscope", new Uri(options.BaseUrl), options.Model);
    }

    public async Task<SpeechToTextResponse> GetTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder();
        await foreach (var update in GetStreamingTextAsync(audioSpeechStream, options, cancellationToken))
        {
            if (update.Kind == SpeechToTextResponseUpdateKind.TextUpdated && update.Text is { Length: > 0 } t)
            {
                text.Append(text.Length > 0 && !IsCjk(t[0]) ? " " : "").Append(t);
            }
        }

        return new SpeechToTextResponse(text.ToString()) { ModelId = _options.Model };
    }

    public async IAsyncEnumerable<SpeechToTextResponseUpdate> GetStreamingTextAsync(
        Stream audioSpeechStream, SpeechToTextOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audioSpeechStream);
        var taskId = Guid.NewGuid().ToString("N");
        var language = options?.SpeechLanguage ?? _options.Language;
        var rate = options?.SpeechSampleRate ?? 16_000;
        var run = DashScopeCommands.RunTask(taskId, "asr", "recognition", _options.Model, w =>
        {
            w.WriteString("format", "pcm");
            w.WriteNumber("sample_rate", rate);
            if (!string.IsNullOrWhiteSpace(language))
            {
                w.WriteStartArray("language_hints");
                w.WriteStringValue(language);
                w.WriteEndArray();
            }
        });
        var connection = await _pool.StartTaskAsync(run, taskId, cancellationToken);
        var finished = false;
        using var sending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sender = SendAudioAsync(connection, audioSpeechStream, taskId, sending.Token);
        try
        {
            var finals = new StringBuilder();
            while (true)
            {
                var (e, _) = await connection.ReceiveAsync(cancellationToken);
                if (e is null || e.TaskId != taskId)
                {
                    continue;
                }

                if (e.Event == DashScopeEvent.TaskFinished)
                {
                    finished = true;
                    break;
                }

                if (e.Event == DashScopeEvent.TaskFailed)
                {
                    throw new DashScopeTaskFailedException(_options.Name, e.ErrorCode, e.ErrorMessage);
                }

                var sentence = e.Sentence;
                if (e.Event != DashScopeEvent.ResultGenerated || DashScopeEvent.Bool(sentence, "heartbeat") || DashScopeEvent.Str(sentence, "text") is not { Length: > 0 } text)
                {
                    continue;
                }

                if (DashScopeEvent.Bool(sentence, "sentence_end"))
                {
                    finals.Append(finals.Length > 0 && !IsCjk(text[0]) ? " " : "").Append(text);
                    yield return new SpeechToTextResponseUpdate(text) { Kind = SpeechToTextResponseUpdateKind.TextUpdated, ModelId = _options.Model };
                }
                else
                {
                    // A partial covers only the sentence in progress; the pipeline's partials are the whole utterance so far.
                    var sofar = finals.Length == 0 ? text : finals + (IsCjk(text[0]) ? "" : " ") + text;
                    yield return new SpeechToTextResponseUpdate(sofar) { Kind = SpeechToTextResponseUpdateKind.TextUpdating, ModelId = _options.Model };
                }
            }

            await sender;
        }
        finally
        {
            await sending.CancelAsync();
            try
            {
                await sender;
            }
            catch (Exception ex) when (ex is OperationCanceledException or DashScopeTaskFailedException)
            {
                // The receive side already decided the outcome; a send cut short by it is expected.
            }

            if (finished)
            {
                _pool.Return(connection);
            }
            else
            {
                connection.Abort();
                connection.Dispose();
            }
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(SpeechToTextClientMetadata) ? _metadata
            : serviceType == typeof(SpeechToTextPartials) ? SpeechToTextPartials.Streamed
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose() => _pool.Dispose();

    public override string ToString() => _options.ToString();

    private static async Task SendAudioAsync(DashScopeConnection connection, Stream audio, string taskId, CancellationToken cancellationToken)
    {
        var buffer = new byte[SendBytes];
        int read;
        while ((read = await audio.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await connection.SendAudioAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        await connection.SendCommandAsync(DashScopeCommands.FinishTask(taskId), cancellationToken);
    }

    private static bool IsCjk(char c) => c is >= '\u3000' and <= '\u9fff' or >= '\uac00' and <= '\ud7af' or >= '\uff00' and <= '\uffef';
}
