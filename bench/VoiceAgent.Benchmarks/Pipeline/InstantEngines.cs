using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Benchmarks.Pipeline;

// BENCHMARK-LOCAL FAKES, not the service's engines: they answer at once so that what is left to measure is the
// pipeline itself (stages, links, turn bookkeeping). They exist only for the pipeline-overhead mode.

/// <summary>Benchmark fake ASR: drains the utterance, then says one fixed final text.</summary>
internal sealed class InstantBenchAsr : ISpeechToTextClient
{
    public async Task<SpeechToTextResponse> GetTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default)
    {
        await audioSpeechStream.CopyToAsync(Stream.Null, cancellationToken);
        return new SpeechToTextResponse("what time is it");
    }

    public async IAsyncEnumerable<SpeechToTextResponseUpdate> GetStreamingTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var buffer = new byte[8192];
        while (await audioSpeechStream.ReadAsync(buffer, cancellationToken) > 0)
        {
        }

        yield return new SpeechToTextResponseUpdate("what time is it") { Kind = SpeechToTextResponseUpdateKind.TextUpdated };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}

/// <summary>Benchmark fake LLM: one short sentence as two tokens, then stop.</summary>
internal sealed class InstantBenchLlm : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "It is noon.")));

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        yield return new ChatResponseUpdate(ChatRole.Assistant, "It is ");
        yield return new ChatResponseUpdate(ChatRole.Assistant, "noon.");
        yield return new ChatResponseUpdate { FinishReason = ChatFinishReason.Stop };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}

/// <summary>Benchmark fake TTS: 200 ms of a tone per sentence, precomputed, in 40 ms chunks, with no delay.</summary>
internal sealed class InstantBenchTts : ITextToSpeechClient
{
    private static readonly byte[] Tone = MakeTone();
    private static readonly string MediaType = AudioFormat.Pcm16Mono16k.ToMediaType();

    public async Task<TextToSpeechResponse> GetAudioAsync(string text, TextToSpeechOptions? options = null, CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        return new TextToSpeechResponse([new DataContent(Tone, MediaType)]);
    }

    public async IAsyncEnumerable<TextToSpeechResponseUpdate> GetStreamingAudioAsync(string text, TextToSpeechOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        for (var off = 0; off < Tone.Length; off += 1280)
        {
            yield return new TextToSpeechResponseUpdate([new DataContent(Tone.AsMemory(off, Math.Min(1280, Tone.Length - off)), MediaType)]) { Kind = TextToSpeechResponseUpdateKind.AudioUpdating };
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private static byte[] MakeTone()
    {
        var s = new short[16_000 / 5];
        for (var i = 0; i < s.Length; i++)
        {
            s[i] = (short)(6000 * Math.Sin(2 * Math.PI * 440 * i / 16_000.0));
        }

        return Pcm16.ToBytes(s);
    }
}
