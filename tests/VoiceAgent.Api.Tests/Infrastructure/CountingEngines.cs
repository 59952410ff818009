using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace VoiceAgent.Api.Tests.Infrastructure;

/// <summary>Counts calls to the real LLM it wraps; can be told to fail after some tokens.</summary>
public sealed class CountingChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    public int Calls;

    public (int AfterTokens, Exception Error)? FailWith { get; set; }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Calls);
        var n = 0;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            if (FailWith is { } f && n++ == f.AfterTokens)
            {
                throw f.Error;
            }

            yield return update;
        }
    }
}

/// <summary>Counts calls to the real TTS it wraps; can add a delay per call to make synthesis slow.</summary>
public sealed class CountingTextToSpeechClient(ITextToSpeechClient inner) : DelegatingTextToSpeechClient(inner)
{
    public int Calls;

    public TimeSpan Delay { get; set; }

    public override async IAsyncEnumerable<TextToSpeechResponseUpdate> GetStreamingAudioAsync(string text, TextToSpeechOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Calls);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, cancellationToken);
        }

        await foreach (var update in base.GetStreamingAudioAsync(text, options, cancellationToken))
        {
            yield return update;
        }
    }
}
