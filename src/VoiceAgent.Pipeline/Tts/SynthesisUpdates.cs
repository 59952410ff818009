using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Pipeline.Tts;

/// <summary>
/// Streams a finished synthesis the way this project's TTS clients do: one update with every word timing (none when
/// there are no words), then the audio in chunks of <c>chunkMs</c>; the last chunk's kind is <c>AudioUpdated</c>.
/// <see cref="CollectAsync"/> goes the other way, for clients whose whole response is their stream gathered.
/// </summary>
public static class SynthesisUpdates
{
    /// <summary>A streamed synthesis as one response: its audio joined into one <see cref="DataContent"/>, its other contents (word timings) kept.</summary>
    public static async Task<TextToSpeechResponse> CollectAsync(IAsyncEnumerable<TextToSpeechResponseUpdate> updates, string? modelId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var contents = new List<AIContent>();
        var audio = new List<byte>();
        string? mediaType = null;
        await foreach (var update in updates.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            foreach (var c in update.Contents)
            {
                if (c is DataContent d)
                {
                    audio.AddRange(d.Data.Span);
                    mediaType = d.MediaType;
                }
                else
                {
                    contents.Add(c);
                }
            }
        }

        if (mediaType is not null)
        {
            contents.Add(new DataContent(audio.ToArray(), mediaType));
        }

        return new TextToSpeechResponse(contents) { ModelId = modelId };
    }

    public static IEnumerable<TextToSpeechResponseUpdate> From(
        IReadOnlyList<WordTimingContent> words, short[] audio, AudioFormat format, int chunkMs, string modelId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(words);
        ArgumentNullException.ThrowIfNull(audio);
        if (words.Count > 0)
        {
            yield return new TextToSpeechResponseUpdate([.. words]) { Kind = TextToSpeechResponseUpdateKind.AudioUpdating, ModelId = modelId };
        }

        // Each chunk is a slice of the synthesis itself (no copy): nothing writes to the samples once synthesized.
        var pcm = SampleBytes.Of(audio);
        var mediaType = format.ToMediaType();
        var chunk = Math.Max(1, format.SamplesFor(chunkMs));
        for (var offset = 0; offset < audio.Length; offset += chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(chunk, audio.Length - offset);
            yield return new TextToSpeechResponseUpdate([new DataContent(pcm.Slice(offset * 2, count * 2), mediaType)])
            {
                Kind = offset + count >= audio.Length ? TextToSpeechResponseUpdateKind.AudioUpdated : TextToSpeechResponseUpdateKind.AudioUpdating,
                ModelId = modelId,
            };
        }
    }
}
