using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using VoiceAgent.Providers.Embedded.PocketSphinx;

namespace VoiceAgent.Benchmarks.Embedded;

/// <summary>
/// Measures what a voice turn waits for: end of speech → PocketSphinx final text, on a ~3 s utterance fed in 40 ms
/// chunks; also decoder load time and resident memory per decoder. A console mode rather than BenchmarkDotNet,
/// because only the tail of each streamed utterance is timed.
/// </summary>
public static class PocketSphinxLatency
{
    private const string Phrase = "what is the date today and what time is it";
    private const string LongPhrase = "please turn on the kitchen lights and set a timer for ten minutes, then tell me what the weather will be like tomorrow morning";

    public static async Task RunAsync(int runs, CancellationToken cancellationToken = default)
    {
        if (PocketSphinxSpeechToTextClient.CheckAvailable() is { } missing)
        {
            Console.WriteLine($"PocketSphinx unavailable: {missing}");
            return;
        }

        var audio = await Speech.FliteAsync(Phrase, cancellationToken);
        await MeasureMemoryAsync(audio, cancellationToken);
        foreach (var phrase in new[] { Phrase, LongPhrase })
        {
            audio = await Speech.FliteAsync(phrase, cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"utterance: \"{phrase}\", {audio.Length / 32_000.0:F2} s, {runs} runs per configuration, fed in 40 ms chunks; load average {Percentiles.LoadAverage()}"));
            await MeasureFinalLatencyAsync("generic + domain search (default)", new PocketSphinxOptions { MaxDecoders = 1 }, domain: true, audio, runs, cancellationToken);
            await MeasureFinalLatencyAsync("generic search only", new PocketSphinxOptions { MaxDecoders = 1 }, domain: false, audio, runs, cancellationToken);
        }
    }

    private static async Task MeasureFinalLatencyAsync(string name, PocketSphinxOptions options, bool domain, byte[] audio, int runs, CancellationToken cancellationToken)
    {
        using var client = new PocketSphinxSpeechToTextClient(options);
        var directory = Directory.CreateTempSubdirectory("va-asr-latency-");
        if (domain)
        {
            client.UseDomainModel(new PocketSphinxDomainModelBuilder(Microsoft.Extensions.Logging.Abstractions.NullLogger<PocketSphinxDomainModelBuilder>.Instance)
                .Build(VoiceAgent.Providers.Embedded.Dialogue.DialoguePhrases.English(new()), options.DictionaryPath, directory.FullName));
        }

        for (var i = 0; i < 2; i++)
        {
            await StreamOnceAsync(client, audio, cancellationToken); // loads the decoder and warms its adaptation
        }

        var latencies = new List<double>();
        var feedPerChunk = new List<double>();
        var last = string.Empty;
        for (var i = 0; i < runs; i++)
        {
            var (finalMs, chunkMs, text) = await StreamOnceAsync(client, audio, cancellationToken);
            latencies.Add(finalMs);
            feedPerChunk.Add(chunkMs);
            last = text;
        }

        directory.Delete(recursive: true);
        latencies.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name}: end of stream → final: median {latencies[latencies.Count / 2]:F1} ms, p90 {latencies[(int)(latencies.Count * 0.9)]:F1} ms, max {latencies[^1]:F1} ms; decode per 40 ms chunk {feedPerChunk.Average():F2} ms; heard \"{last}\""));
    }

    /// <summary>Streams one utterance; times from the moment the decoder has consumed all audio and the stream ends, to the final text.</summary>
    private static async Task<(double FinalMs, double ChunkMs, string Text)> StreamOnceAsync(
        PocketSphinxSpeechToTextClient client, byte[] audio, CancellationToken cancellationToken)
    {
        var pipe = new DrainSignallingStream();
        var chunk = 16_000 * 2 * 40 / 1000;
        var chunks = 0;
        for (var offset = 0; offset < audio.Length; offset += chunk)
        {
            pipe.Append(audio.AsMemory(offset, Math.Min(chunk, audio.Length - offset)));
            chunks++;
        }

        var feed = Stopwatch.StartNew();
        var final = string.Empty;
        long endOfSpeech = 0, finalAt = 0;
        var updates = client.GetStreamingTextAsync(pipe, cancellationToken: cancellationToken);
        var ending = EndWhenDrainedAsync(pipe, () => endOfSpeech = Stopwatch.GetTimestamp());
        await foreach (var update in updates)
        {
            if (update.Kind == SpeechToTextResponseUpdateKind.TextUpdated)
            {
                finalAt = Stopwatch.GetTimestamp();
                final = update.Text;
            }
        }

        await ending;
        var finalMs = Stopwatch.GetElapsedTime(endOfSpeech, finalAt).TotalMilliseconds;
        var feedMs = feed.Elapsed.TotalMilliseconds - finalMs;
        return (finalMs, feedMs / chunks, final);
    }

    private static async Task EndWhenDrainedAsync(DrainSignallingStream pipe, Action markEndOfSpeech)
    {
        await pipe.Drained;
        markEndOfSpeech();
        pipe.Complete();
    }

    private static async Task MeasureMemoryAsync(byte[] audio, CancellationToken cancellationToken)
    {
        using var client = new PocketSphinxSpeechToTextClient(new PocketSphinxOptions { MaxDecoders = 2 });
        var before = ResidentMiB();
        var load = Stopwatch.StartNew();
        await client.GetTextAsync(new MemoryStream(audio[..3200]), cancellationToken: cancellationToken);
        var firstLoadMs = load.Elapsed.TotalMilliseconds;
        var one = ResidentMiB();

        // An utterance held open mid-stream keeps the first decoder busy, which forces the second.
        var held = new DrainSignallingStream();
        held.Append(audio.AsMemory(0, 3200));
        var holding = DrainAsync(client.GetStreamingTextAsync(held, cancellationToken: cancellationToken));
        await held.Drained;
        load.Restart();
        await client.GetTextAsync(new MemoryStream(audio[..3200]), cancellationToken: cancellationToken);
        var secondLoadMs = load.Elapsed.TotalMilliseconds;
        held.Complete();
        await holding;
        var two = ResidentMiB();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"decoders: first load + tiny utterance {firstLoadMs:F0} ms, second {secondLoadMs:F0} ms; resident memory {before:F0} → {one:F0} MiB (1 decoder) → {two:F0} MiB ({client.DecodersCreated} decoders)"));
    }

    private static async Task DrainAsync(IAsyncEnumerable<SpeechToTextResponseUpdate> updates)
    {
        await foreach (var _ in updates)
        {
        }
    }

    private static double ResidentMiB()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>A pipe-like stream that says when its reader has caught up with everything written.</summary>
    private sealed class DrainSignallingStream : Stream
    {
        // Unbounded: the benchmark writes the whole utterance up front; the reader takes it 40 ms at a time.
        private readonly Channel<ReadOnlyMemory<byte>> _chunks = Channel.CreateUnbounded<ReadOnlyMemory<byte>>();
        private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Drained => _drained.Task;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void Append(ReadOnlyMemory<byte> chunk) => _chunks.Writer.TryWrite(chunk);

        public void Complete() => _chunks.Writer.TryComplete();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_chunks.Reader.TryRead(out var chunk))
            {
                // Everything written so far has been decoded: this is the moment speech "ends".
                _drained.TrySetResult();
                if (!await _chunks.Reader.WaitToReadAsync(cancellationToken) || !_chunks.Reader.TryRead(out chunk))
                {
                    return 0;
                }
            }

            chunk.CopyTo(buffer); // chunks are 1 280 bytes; the client reads up to 3 200
            return chunk.Length;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
