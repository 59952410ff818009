using System.Text.Json;

namespace VoiceAgent.Providers.DashScope;

/// <summary>
/// The client's commands of DashScope's WebSocket inference protocol (<c>/api-ws/v1/inference</c>): <c>run-task</c>,
/// <c>continue-task</c> and <c>finish-task</c>, each <c>{"header":{action,task_id,streaming:"duplex"},"payload":{...}}</c>
/// as Alibaba documents them for CosyVoice and Paraformer.
/// </summary>
internal static class DashScopeCommands
{
    /// <summary><c>run-task</c>: <paramref name="task"/> is <c>tts</c> or <c>asr</c>, <paramref name="function"/> <c>SpeechSynthesizer</c> or <c>recognition</c>.</summary>
    public static byte[] RunTask(string taskId, string task, string function, string model, Action<Utf8JsonWriter> parameters) =>
        Write(taskId, "run-task", w =>
        {
            w.WriteString("task_group", "audio");
            w.WriteString("task", task);
            w.WriteString("function", function);
            w.WriteString("model", model);
            w.WriteStartObject("parameters");
            parameters(w);
            w.WriteEndObject();
            w.WriteStartObject("input");
            w.WriteEndObject();
        });

    /// <summary><c>continue-task</c> with a piece of text to speak (CosyVoice); it need not be a whole sentence.</summary>
    public static byte[] ContinueTask(string taskId, string text) =>
        Write(taskId, "continue-task", w =>
        {
            w.WriteStartObject("input");
            w.WriteString("text", text);
            w.WriteEndObject();
        });

    public static byte[] FinishTask(string taskId) =>
        Write(taskId, "finish-task", w =>
        {
            w.WriteStartObject("input");
            w.WriteEndObject();
        });

    private static byte[] Write(string taskId, string action, Action<Utf8JsonWriter> payload)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteStartObject("header");
            w.WriteString("action", action);
            w.WriteString("task_id", taskId);
            w.WriteString("streaming", "duplex");
            w.WriteEndObject();
            w.WriteStartObject("payload");
            payload(w);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return ms.ToArray();
    }
}
