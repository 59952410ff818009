using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Providers.Embedded.Espeak;

namespace VoiceAgent.Benchmarks.Embedded;

/// <summary>eSpeak NG: first-chunk latency, whole-sentence cost (real-time factor) and the cost of the process-wide lock.</summary>
/// <remarks>
/// Real-time factor = Whole_sentence mean / the audio length printed by GlobalSetup.
/// Lock cost: compare Eight_parallel_callers with Eight_serial_callers (same work; the lock serialises the first).
/// Run: dotnet run -c Release --project bench/VoiceAgent.Benchmarks -- --filter '*Espeak*' --job short
/// </remarks>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "BenchmarkDotNet does not dispose benchmarks: [GlobalCleanup] disposes the fields.")]
public class EspeakBenchmarks
{
    private const string TenWords = "Please turn on the kitchen lights before we arrive home.";

    private EspeakTextToSpeechClient _client = null!;

    [Params("en", "cmn")]
    public string Voice { get; set; } = "en";

    private string Text => Voice == "cmn" ? "请在我们到家之前打开厨房的灯。" : TenWords;

    private TextToSpeechOptions Options => new() { VoiceId = Voice };

    [GlobalSetup]
    public async Task Setup()
    {
        _client = new EspeakTextToSpeechClient(new EspeakOptions(), new LinearResamplerFactory());
        var response = await _client.GetAudioAsync(Text, Options);
        var bytes = response.Contents.OfType<DataContent>().Sum(d => d.Data.Length);
        Console.WriteLine($"// {Voice}: audio length {AudioFormat.Pcm16Mono16k.DurationOf(bytes).TotalMilliseconds:F0} ms");
    }

    [GlobalCleanup]
    public void Cleanup() => _client.Dispose();

    [Benchmark]
    public async Task<int> First_chunk()
    {
        await foreach (var update in _client.GetStreamingAudioAsync(Text, Options))
        {
            if (update.Contents.Count > 0 && update.Contents[0] is DataContent data)
            {
                return data.Data.Length;
            }
        }

        return 0;
    }

    [Benchmark(Baseline = true)]
    public async Task<int> Whole_sentence() => (await _client.GetAudioAsync(Text, Options)).Contents.Count;

    [Benchmark(OperationsPerInvoke = 8)]
    public async Task Eight_serial_callers()
    {
        for (var i = 0; i < 8; i++)
        {
            await _client.GetAudioAsync(Text, Options);
        }
    }

    [Benchmark(OperationsPerInvoke = 8)]
    public Task Eight_parallel_callers() =>
        Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => _client.GetAudioAsync(Text, Options))));
}
