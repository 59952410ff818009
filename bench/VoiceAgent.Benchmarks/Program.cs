using BenchmarkDotNet.Running;
using VoiceAgent.Benchmarks.Embedded;
using VoiceAgent.Benchmarks.Stores;

// Run: dotnet run -c Release --project bench/VoiceAgent.Benchmarks -- --filter '*'
// Measured console mode for end-of-speech → ASR final: dotnet run -c Release --project bench/VoiceAgent.Benchmarks -- asr-latency [runs]
if (args is ["asr-latency", ..])
{
    await PocketSphinxLatency.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20);
    return;
}

// Conversation store append cost: dotnet run -c Release --project bench/VoiceAgent.Benchmarks -- store-append [appends] [folder]
// (PostgreSQL too when VOICEAGENT_BENCH_POSTGRES holds a connection string)
if (args is ["store-append", ..])
{
    await StoreAppendCost.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 500, args.Length > 2 ? args[2] : "bench-data");
    return;
}

// OpenAI engine path overhead over raw HTTP, and breaker-open → fallback time: ... -- openai-latency [runs]
if (args is ["openai-latency", ..])
{
    await VoiceAgent.Benchmarks.OpenAI.OpenAIEngineLatency.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 300);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
