using BenchmarkDotNet.Running;
using VoiceAgent.Benchmarks.Embedded;

// Run: dotnet run -c Release --project bench/VoiceAgent.Benchmarks -- --filter '*'
// Measured console mode for end-of-speech → ASR final: dotnet run -c Release --project bench/VoiceAgent.Benchmarks -- asr-latency [runs]
if (args is ["asr-latency", ..])
{
    await PocketSphinxLatency.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
