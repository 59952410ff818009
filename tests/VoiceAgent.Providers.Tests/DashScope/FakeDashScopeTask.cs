using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace VoiceAgent.Providers.Tests.DashScope;

/// <summary>One task the fake DashScope server ran: its run-task, the text or audio it got, and how it ended.</summary>
internal sealed class FakeDashScopeTask(string id, JsonElement runTask)
{
    public string Id { get; } = id;

    public JsonElement RunTask { get; } = runTask;

    public string Task => RunTask.GetProperty("payload").GetProperty("task").GetString()!;

    public JsonElement Parameters => RunTask.GetProperty("payload").GetProperty("parameters");

    /// <summary>CosyVoice tasks are numbered from 1 in arrival order.</summary>
    public int Number { get; set; }

    /// <summary>The continue-task texts, with when each arrived.</summary>
    public ConcurrentQueue<FakeDashScopeTextPiece> Pieces { get; } = new();

    /// <summary>Text received but not yet a whole sentence.</summary>
    public StringBuilder Held { get; } = new();

    /// <summary>The sentences spoken, as the fake split them.</summary>
    public List<string> Spoken { get; } = [];

    /// <summary>PCM received (Paraformer) or sent (CosyVoice).</summary>
    public int AudioBytes { get; set; }

    public bool PartialSent { get; set; }

    /// <summary>Stopwatch timestamps: when the first sentence was complete here, and when its first audio frame left (0: not yet).</summary>
    public long FirstSentenceAt { get; set; }

    public long FirstAudioAt { get; set; }

    public bool FinishReceived { get; set; }

    /// <summary>Ended with task-finished or task-failed.</summary>
    public bool Done { get; set; }

    /// <summary>The client closed or dropped the socket before the task ended.</summary>
    public bool ClosedEarly { get; set; }
}
