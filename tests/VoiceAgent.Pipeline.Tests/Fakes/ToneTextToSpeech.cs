using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Tts;

namespace VoiceAgent.Pipeline.Tests.Fakes;

/// <summary>A test TTS: each word is <see cref="MsPerWord"/> of a 440 Hz tone followed by a short gap, with exact word timings.</summary>
public sealed class ToneTextToSpeech(int sampleRate = 16_000) : ITextToSpeechClient
{
    public int MsPerWord { get; set; } = 200;

    public int GapMs { get; set; } = 50;

    /// <summary>Delay before each emitted chunk, to make a sentence take time.</summary>
    public TimeSpan ChunkDelay { get; set; }

    public int ChunkMs { get; set; } = 100;

    /// <summary>Thrown after the first audio chunk of a text that matches, as an engine that stalls and times out mid-sentence.</summary>
    public (Func<string, bool> When, Exception Error)? FailWith { get; set; }

    public int Calls;

    public List<string> Spoken { get; } = [];

    public async Task<TextToSpeechResponse> GetAudioAsync(string text, TextToSpeechOptions? options = null, CancellationToken cancellationToken = default)
    {
        var contents = new List<AIContent>();
        await foreach (var u in GetStreamingAudioAsync(text, options, cancellationToken))
        {
            contents.AddRange(u.Contents);
        }

        return new TextToSpeechResponse(contents);
    }

    public async IAsyncEnumerable<TextToSpeechResponseUpdate> GetStreamingAudioAsync(string text, TextToSpeechOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Calls);
        lock (Spoken)
        {
            Spoken.Add(text);
        }

        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var format = AudioFormat.Pcm16Mono(sampleRate);
        var samples = new List<short>();
        var timings = new List<AIContent>();
        foreach (var w in words)
        {
            var start = TimeSpan.FromSeconds((double)samples.Count / sampleRate);
            var n = format.SamplesFor(MsPerWord);
            for (var i = 0; i < n; i++)
            {
                samples.Add((short)(8000 * Math.Sin(2 * Math.PI * 440 * i / sampleRate)));
            }

            timings.Add(new WordTimingContent(w, start, TimeSpan.FromMilliseconds(MsPerWord)));
            samples.AddRange(new short[format.SamplesFor(GapMs)]);
        }

        yield return new TextToSpeechResponseUpdate(timings);
        var bytes = Pcm16.ToBytes(samples.ToArray());
        var chunk = format.BytesFor(ChunkMs);
        for (var off = 0; off < bytes.Length; off += chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (off > 0 && FailWith is { } f && f.When(text))
            {
                throw f.Error;
            }

            if (ChunkDelay > TimeSpan.Zero)
            {
                await Task.Delay(ChunkDelay, cancellationToken);
            }

            var part = bytes.AsMemory(off, Math.Min(chunk, bytes.Length - off)).ToArray();
            yield return new TextToSpeechResponseUpdate([new DataContent(part, format.ToMediaType())]) { Kind = TextToSpeechResponseUpdateKind.AudioUpdating };
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
