using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using VoiceAgent.Providers.Embedded.PocketSphinx;

namespace VoiceAgent.Benchmarks.Embedded;

/// <summary>
/// Measures what a voice turn waits for: end of speech → PocketSphinx final text, on ~3 s and ~8 s utterances paced in
/// real time in 40 ms chunks; also decoder load time and resident memory per decoder. A console mode rather than BenchmarkDotNet,
/// because only the tail of each streamed utterance is timed.
/// </summary>
public static class PocketSphinxLatency
{
    // About 3 s and 8 s in flite's slt voice (the figures the issue asks for).
    private const string Phrase = "what is the date today and what time is it now";
    private const string LongPhrase = "please turn on the kitchen lights and set a timer for ten minutes, then tell me what the weather will be like tomorrow morning in the city";

    // The interpolation weight the accuracy bench's tune sets were measured with (bench/results/asr-accuracy-6.txt).
    private const float InterpolationWeight = 0.2f;

    public static async Task RunAsync(int runs, CancellationToken cancellationToken = default)
    {
        if (PocketSphinxSpeechToTextClient.CheckAvailable() is { } missing)
        {
            Console.WriteLine($"PocketSphinx unavailable: {missing}");
            return;
        }

        var audio = await Speech.FliteAsync(Phrase, cancellationToken);
        await MeasureMemoryAsync(audio, cancellationToken);
        if (Environment.GetEnvironmentVariable("VOICEAGENT_BENCH_ASR_MEMORY") is { } memory)
        {
            // One configuration per process: freed decoder memory stays in glibc and would hide the next one's cost.
            await MeasureDomainMemoryAsync(audio, rescoring: memory.StartsWith("rescoring", StringComparison.Ordinal), separateDecoder: memory == "decoder", withoutGuessedWords: memory == "rescoring-no-guess", cancellationToken);
            return;
        }
        foreach (var phrase in new[] { Phrase, LongPhrase })
        {
            audio = await Speech.FliteAsync(phrase, cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"utterance: \"{phrase}\", {audio.Length / 32_000.0:F2} s, {runs} runs per configuration, paced in real time in 40 ms chunks as a call sends it; load average {Percentiles.LoadAverage()}"));
            await MeasureFinalLatencyAsync("generic + domain decoder (default), a call's later turn", domain: true, laterTurn: true, audio, runs, cancellationToken);
            await MeasureFinalLatencyAsync("generic + domain decoder (default), a call's first turn", domain: true, laterTurn: false, audio, runs, cancellationToken);
            await MeasureFinalLatencyAsync($"generic search interpolated with the domain model (DomainInterpolationWeight={InterpolationWeight}) + domain decoder, a call's later turn", domain: true, laterTurn: true, audio, runs, cancellationToken, interpolation: (InterpolationWeight, true));
            await MeasureFinalLatencyAsync($"one search interpolated with the domain model (DomainInterpolationWeight={InterpolationWeight};DomainDecoder=0), a call's later turn", domain: true, laterTurn: true, audio, runs, cancellationToken, interpolation: (InterpolationWeight, false));
            await MeasureFinalLatencyAsync("generic search only, a call's later turn", domain: false, laterTurn: true, audio, runs, cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  load average after: {Percentiles.LoadAverage()}"));
        }
    }

    private static async Task MeasureFinalLatencyAsync(
        string name, bool domain, bool laterTurn, byte[] audio, int runs, CancellationToken cancellationToken, (float Weight, bool DomainDecoder)? interpolation = null)
    {
        var options = AsrAccuracy.Tuned(new PocketSphinxOptions { MaxDecoders = 1 });
        if (interpolation is { } mix)
        {
            options.DomainInterpolationWeight = mix.Weight;
            options.DomainDecoder = mix.DomainDecoder;
        }

        using var client = new PocketSphinxSpeechToTextClient(options);
        var directory = Directory.CreateTempSubdirectory("va-asr-latency-");
        if (domain)
        {
            client.UseDomainModel(new PocketSphinxDomainModelBuilder(Microsoft.Extensions.Logging.Abstractions.NullLogger<PocketSphinxDomainModelBuilder>.Instance)
                .Build(VoiceAgent.Providers.Embedded.Dialogue.DialoguePhrases.English(new()), options.DictionaryPath, directory.FullName));
        }

        // Loads the decoders; for a later turn, also the call's first turn (its options carry the call's mean).
        var call = new SpeechToTextOptions { SpeechSampleRate = 16_000 };
        await client.GetTextAsync(new MemoryStream(audio), call, cancellationToken);

        var latencies = new List<double>();
        var cpu = new List<double>();
        var turnCpu = new List<double>();
        var last = string.Empty;
        for (var i = 0; i < runs; i++)
        {
            var (finalMs, finalCpuMs, totalCpuMs, text) = await StreamOnceAsync(client, audio, laterTurn ? call : new SpeechToTextOptions { SpeechSampleRate = 16_000 }, cancellationToken);
            latencies.Add(finalMs);
            cpu.Add(finalCpuMs);
            turnCpu.Add(totalCpuMs);
            last = text;
        }

        directory.Delete(recursive: true);
        latencies.Sort();
        cpu.Sort();
        turnCpu.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name}: end of speech → final: p50 {latencies[latencies.Count / 2]:F1} ms, p90 {latencies[(int)(latencies.Count * 0.9)]:F1} ms, max {latencies[^1]:F1} ms; CPU time in that interval p50 {cpu[cpu.Count / 2]:F1} ms; CPU time of the whole turn p50 {turnCpu[turnCpu.Count / 2]:F0} ms; heard \"{last}\""));
    }

    /// <summary>
    /// Streams one utterance at the pace of speech; times from the end of the stream (the moment the turn detector
    /// would close the pipe, one chunk after the last audio) to the final text.
    /// </summary>
    /// <remarks>
    /// Also the process's CPU time over that interval and over the whole turn: on a machine shared with other builds the
    /// wall time mostly measures waiting for a core, the CPU time what the decoders spent.
    /// </remarks>
    private static async Task<(double FinalMs, double FinalCpuMs, double TotalCpuMs, string Text)> StreamOnceAsync(
        PocketSphinxSpeechToTextClient client, byte[] audio, SpeechToTextOptions options, CancellationToken cancellationToken)
    {
        using var process = Process.GetCurrentProcess();
        var pipe = new DrainSignallingStream();
        var final = string.Empty;
        long endOfSpeech = 0, finalAt = 0;
        TimeSpan cpuAtStart = process.TotalProcessorTime, cpuAtEnd = default, cpuAtFinal = default;
        var updates = client.GetStreamingTextAsync(pipe, options, cancellationToken);
        var producing = ProduceAsync(pipe, audio, () =>
        {
            endOfSpeech = Stopwatch.GetTimestamp();
            process.Refresh();
            cpuAtEnd = process.TotalProcessorTime;
        }, cancellationToken);
        await foreach (var update in updates)
        {
            if (update.Kind == SpeechToTextResponseUpdateKind.TextUpdated)
            {
                finalAt = Stopwatch.GetTimestamp();
                process.Refresh();
                cpuAtFinal = process.TotalProcessorTime;
                final = update.Text;
            }
        }

        await producing;
        return (Stopwatch.GetElapsedTime(endOfSpeech, finalAt).TotalMilliseconds, (cpuAtFinal - cpuAtEnd).TotalMilliseconds,
            (cpuAtFinal - cpuAtStart).TotalMilliseconds, final);
    }

    private static async Task ProduceAsync(DrainSignallingStream pipe, byte[] audio, Action markEndOfSpeech, CancellationToken cancellationToken)
    {
        const int chunk = 16_000 * 2 * 40 / 1000;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(40));
        for (var offset = 0; offset < audio.Length; offset += chunk)
        {
            pipe.Append(audio.AsMemory(offset, Math.Min(chunk, audio.Length - offset)));
            await timer.WaitForNextTickAsync(cancellationToken);
        }

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

    /// <summary>Resident memory a domain model adds to one generic decoder: its own decoder, or loaded into the generic one for rescoring.</summary>
    /// <remarks>VOICEAGENT_BENCH_ASR_MEMORY: "decoder" (its own decoder, the default), "interpolated" (in the generic decoder's search), "rescoring", "rescoring-no-guess".</remarks>
    private static async Task MeasureDomainMemoryAsync(byte[] audio, bool rescoring, bool separateDecoder, bool withoutGuessedWords, CancellationToken cancellationToken)
    {
        var before = ResidentMiB();
        var directory = Directory.CreateTempSubdirectory("va-asr-memory-");
        using (var client = new PocketSphinxSpeechToTextClient(new PocketSphinxOptions { MaxDecoders = 1, DomainRescoring = rescoring, DomainInterpolationWeight = separateDecoder ? 0 : InterpolationWeight, DomainDecoder = false }))
        {
            await client.GetTextAsync(new MemoryStream(audio), cancellationToken: cancellationToken);
            var generic = ResidentMiB();
            var builder = new PocketSphinxDomainModelBuilder(Microsoft.Extensions.Logging.Abstractions.NullLogger<PocketSphinxDomainModelBuilder>.Instance);
            var phrases = VoiceAgent.Providers.Embedded.Dialogue.DialoguePhrases.English(new());
            var model = builder.Build(phrases, new PocketSphinxOptions().DictionaryPath, directory.FullName)!;
            if (withoutGuessedWords)
            {
                // The same phrases less those with a word cmudict lacks: no word is added to the generic model.
                var guessed = model.GuessedWords.ToHashSet(StringComparer.Ordinal);
                model = builder.Build(phrases.Where(p => !PocketSphinxDomainModelBuilderWords(p).Any(guessed.Contains)), new PocketSphinxOptions().DictionaryPath, Path.Combine(directory.FullName, "b"))!;
            }

            client.UseDomainModel(model);
            await client.GetTextAsync(new MemoryStream(audio), cancellationToken: cancellationToken);
            var withDomain = ResidentMiB();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"domain model ({model.Phrases} phrases, guessed words: {model.GuessedWords.Count}) {(rescoring ? "in the generic decoder (DomainRescoring)" : separateDecoder ? "in its own decoder (default)" : "interpolated in the generic decoder (DomainDecoder=0)")}: resident memory {before:F0} → {generic:F0} MiB (generic decoder) → {withDomain:F0} MiB (+ domain model): +{withDomain - generic:F0} MiB per concurrent turn"));
        }

        directory.Delete(recursive: true);
    }

    private static IEnumerable<string> PocketSphinxDomainModelBuilderWords(string phrase) =>
        phrase.ToLowerInvariant().Split([' ', ',', '.', '?', '!'], StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim('\''));

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
