using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace VoiceAgent.Pipeline.Tests.Fakes;

/// <summary>
/// A test recogniser: reads the audio stream as it arrives, reports a partial every <see cref="PartialEveryBytes"/>,
/// and at the end returns <see cref="TextCallback"/> of all the audio it read.
/// </summary>
public sealed class ScriptedSpeechToText : ISpeechToTextClient
{
    public Func<byte[], string> TextCallback { get; set; } = audio => $"heard {audio.Length} bytes";

    public int PartialEveryBytes { get; set; } = 16_000;

    /// <summary>Awaited before the final of the given call (1 for the first): a slow recogniser, as under load.</summary>
    public Func<int, Task> BeforeFinal { get; set; } = _ => Task.CompletedTask;

    public int Calls { get; private set; }

    public async Task<SpeechToTextResponse> GetTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default)
    {
        var updates = new List<SpeechToTextResponseUpdate>();
        await foreach (var u in GetStreamingTextAsync(audioSpeechStream, options, cancellationToken))
        {
            updates.Add(u);
        }

        return new SpeechToTextResponse(updates.LastOrDefault()?.Text ?? "");
    }

    public async IAsyncEnumerable<SpeechToTextResponseUpdate> GetStreamingTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var call = ++Calls;
        var all = new MemoryStream();
        var buffer = new byte[4096];
        var sinceLast = 0;
        int n;
        while ((n = await audioSpeechStream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await all.WriteAsync(buffer.AsMemory(0, n), CancellationToken.None);
            sinceLast += n;
            if (sinceLast >= PartialEveryBytes)
            {
                sinceLast = 0;
                yield return new SpeechToTextResponseUpdate($"partial {all.Length}") { Kind = SpeechToTextResponseUpdateKind.TextUpdating };
            }
        }

        await BeforeFinal(call);
        yield return new SpeechToTextResponseUpdate(TextCallback(all.ToArray())) { Kind = SpeechToTextResponseUpdateKind.TextUpdated };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
