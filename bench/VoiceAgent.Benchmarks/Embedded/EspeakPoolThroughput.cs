using System.Diagnostics;
using System.Globalization;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Providers.Embedded.Espeak;

namespace VoiceAgent.Benchmarks.Embedded;

/// <summary>
/// eSpeak NG sentences per second with concurrent callers: in-process under the one lock (Workers 0) against the pool of
/// worker processes (one per core, and twice that), in interleaved rounds so machine load hits every mode alike.
/// A console mode rather than BenchmarkDotNet: the figure is throughput under concurrency, not the cost of one call.
/// </summary>
public static class EspeakPoolThroughput
{
    private static readonly string[] Sentences =
    [
        "Please turn on the kitchen lights before we arrive home tonight.",
        "Your order has shipped today and will arrive on Friday morning.",
        "The meeting with the design team moved to half past three.",
        "It is going to rain this afternoon, so take an umbrella with you.",
        "Twelve times seven is eighty four, and eighty four plus one is eighty five.",
        "I did not catch that, could you say it again a little more slowly?",
        "Your next appointment is on Tuesday the fourteenth at nine in the morning.",
        "The train to the airport leaves from platform two every twenty minutes.",
    ];

    public static async Task RunAsync(int callers, TimeSpan roundLength, int rounds)
    {
        var modes = new (string Name, int Workers)[] { ("in-process, one lock", 0), ($"pool of {Environment.ProcessorCount}", Environment.ProcessorCount), ($"pool of {2 * Environment.ProcessorCount}", 2 * Environment.ProcessorCount) };
        var clients = modes.Select(m => new EspeakTextToSpeechClient(new EspeakOptions { Workers = m.Workers }, new VoiceAgent.Providers.Embedded.Soxr.SoxrResamplerFactory())).ToList();
        try
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"eSpeak NG throughput: {callers} concurrent callers, {Sentences.Length} different sentences (10-14 words), {rounds} interleaved rounds of {roundLength.TotalSeconds:0} s per mode; {Environment.ProcessorCount} cores; load average {Percentiles.LoadAverage()}"));
            foreach (var client in clients)
            {
                await RoundAsync(client, callers, TimeSpan.FromSeconds(1)); // warm-up: starts the workers, loads the voices
            }

            var results = modes.Select(_ => new List<(double PerSecond, double AudioSecondsPerSecond)>()).ToList();
            for (var round = 0; round < rounds; round++)
            {
                for (var m = 0; m < modes.Length; m++)
                {
                    results[m].Add(await RoundAsync(clients[m], callers, roundLength));
                }
            }

            for (var m = 0; m < modes.Length; m++)
            {
                var rates = results[m].Select(r => r.PerSecond).Order().ToList();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{modes[m].Name,-22} sentences/s median {rates[rates.Count / 2],7:F1} (rounds {string.Join(", ", results[m].Select(r => r.PerSecond.ToString("F1", CultureInfo.InvariantCulture)))}); audio produced {results[m].Select(r => r.AudioSecondsPerSecond).Order().ElementAt(rates.Count / 2):F0}x real time"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load average after: {Percentiles.LoadAverage()}"));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    private static async Task<(double PerSecond, double AudioSecondsPerSecond)> RoundAsync(EspeakTextToSpeechClient client, int callers, TimeSpan length)
    {
        var clock = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            var (sentences, bytes) = (0, 0L);
            while (clock.Elapsed < length)
            {
                var response = await client.GetAudioAsync(Sentences[(c + sentences) % Sentences.Length]);
                bytes += response.Contents.OfType<Microsoft.Extensions.AI.DataContent>().Sum(d => d.Data.Length);
                sentences++;
            }

            return (sentences, bytes);
        })));
        var seconds = clock.Elapsed.TotalSeconds;
        return (counts.Sum(c => c.sentences) / seconds, counts.Sum(c => c.bytes) / (double)AudioFormat.Pcm16Mono16k.BytesFor(1000) / seconds);
    }
}
