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

// Where a traced service allocates (by type and by VoiceAgent method), from a dotnet-trace gc-verbose trace:
// ... -- alloc-report TRACE.nettrace [top]; see bench/profile-capacity.sh
if (args is ["alloc-report", ..])
{
    Environment.ExitCode = VoiceAgent.Benchmarks.Profiling.AllocationReport.Run(args);
    return;
}

// eSpeak NG sentences/s with concurrent callers, in-process lock vs worker pool: ... -- tts-pool [callers] [seconds per round] [rounds]
if (args is ["tts-pool", ..])
{
    await EspeakPoolThroughput.RunAsync(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 4,
        TimeSpan.FromSeconds(args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5),
        args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 3);
    return;
}

// Embedded ASR word error rate per set, voice and audio path (generic, domain, picked): ... -- asr-accuracy [filter]
if (args is ["asr-accuracy", ..])
{
    await AsrAccuracy.RunAsync(args.Length > 1 ? args[1] : null);
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

// CosyVoice duplex vs whole sentences, LLM's first piece → first audio byte, against the local DashScope fake: ... -- cosyvoice-duplex [runs]
if (args is ["cosyvoice-duplex", ..])
{
    await VoiceAgent.Benchmarks.DashScope.CosyVoiceDuplexLatency.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 30);
    return;
}

// The service's time around one tool round (model asks → tool request; tool answers → next model request): ... -- tool-overhead [rounds]
if (args is ["tool-overhead", ..])
{
    await VoiceAgent.Benchmarks.Tools.ToolRoundOverhead.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 300);
    return;
}

// SSE load on /audio/chat/completions, targets interleaved: ... -- sse-load --body FILE --n N --c C name=URL [name=URL ...]
if (args is ["sse-load", ..])
{
    Environment.ExitCode = await VoiceAgent.Benchmarks.Http.SseLoad.RunAsync(args);
    return;
}

// Voice-to-voice latency over /chat/voice_call of a running service: ... -- voice-latency --url ws://127.0.0.1:PORT/chat/voice_call [--turns N]
if (args is ["voice-latency", ..])
{
    Environment.ExitCode = await VoiceAgent.Benchmarks.VoiceCall.VoiceLatency.RunAsync(args);
    return;
}

// Turn taking (pauses, questions, noise, speech in noise, backchannels, interruptions) over /chat/voice_call of a
// running service: ... -- turn-taking --url ws://127.0.0.1:PORT/chat/voice_call [--name NAME] [--parallel 3]; see bench/turn-bench.sh
if (args is ["turn-taking", ..])
{
    Environment.ExitCode = await VoiceAgent.Benchmarks.TurnTaking.TurnTakingBench.RunAsync(args);
    return;
}

// Silero's probabilities and the window levels of the turn-taking sets, in process: ... -- vad-probe [tune|heldout]
if (args is ["vad-probe", ..])
{
    Environment.ExitCode = await VoiceAgent.Benchmarks.TurnTaking.VadProbe.RunAsync(args);
    return;
}

// The embedded recogniser's confidence in babble vs questions in noise, in process: ... -- babble-probe [part]
if (args is ["babble-probe", ..])
{
    Environment.ExitCode = await VoiceAgent.Benchmarks.TurnTaking.BabbleProbe.RunAsync(args);
    return;
}

// How periodic (one voice) Silero's speech windows are in the turn-taking sets, in process: ... -- voicing-probe [part]
if (args is ["voicing-probe", ..])
{
    Environment.ExitCode = await VoiceAgent.Benchmarks.TurnTaking.VoicingProbe.RunAsync(args);
    return;
}

// Whether the VAD ends a question's turn in continuous noise (Silero, gate on and off), in process: ... -- noise-end-probe [part] [draws]
if (args is ["noise-end-probe", ..])
{
    Environment.ExitCode = await VoiceAgent.Benchmarks.TurnTaking.NoiseEndProbe.RunAsync(args);
    return;
}

// The acoustic shape (bright windows, level spread) of backchannels against short interruptions, in process: ... -- hum-probe [part]
if (args is ["hum-probe", ..])
{
    Environment.ExitCode = await VoiceAgent.Benchmarks.TurnTaking.HumProbe.RunAsync(args);
    return;
}

// How the interruption rule reads the recogniser's transcripts of backchannels: ... -- backchannel-words FILE (see bench/backchannel-asr.sh)
if (args is ["backchannel-words", ..])
{
    Environment.ExitCode = await VoiceAgent.Benchmarks.TurnTaking.BackchannelWords.RunAsync(args);
    return;
}

// Pipeline overhead with the real VAD and benchmark-local instant engines, in process: ... -- pipeline-overhead [turns]
if (args is ["pipeline-overhead", ..])
{
    await VoiceAgent.Benchmarks.Pipeline.PipelineOverhead.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200);
    return;
}

// Server memory per idle and per active voice call (service in process, calls from a child): ... -- memory [--idle 200] [--active 50]
if (args is ["memory", ..])
{
    Environment.ExitCode = await VoiceAgent.Benchmarks.VoiceCall.CallMemory.RunAsync(args);
    return;
}

if (args is ["memory-clients", ..])
{
    Environment.ExitCode = await VoiceAgent.Benchmarks.VoiceCall.CallMemory.ClientsAsync(args);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(PocketSphinxLatency).Assembly).Run(args);
