using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Turns;
using VoiceAgent.Providers.Embedded.WebRtcVad;

namespace VoiceAgent.Benchmarks.Pipeline;

/// <summary>
/// The pipeline's own cost in a voice turn: the real <see cref="ConversationPipelineFactory"/> chain with the real WebRTC VAD,
/// and benchmark-local instant ASR/LLM/TTS fakes (<see cref="InstantBenchAsr"/> etc.), in process. Timed from the VAD's
/// end-of-speech decision (the turn's <see cref="TurnMilestone.Start"/> mark) to the first <see cref="AgentAudioFrame"/>
/// read from the chain's output. A flite-spoken question and the end silence are fed faster than real time; between turns the
/// benchmark waits out the previous reply's playback so the next question is not a barge-in.
/// </summary>
public static class PipelineOverhead
{
    private const int TurnsPerCall = 25;

    public static async Task RunAsync(int turns)
    {
        if (WebRtcVadFactory.CheckAvailable() is { } missing)
        {
            Console.WriteLine($"WebRTC VAD unavailable: {missing}");
            return;
        }

        var question = await Speech.FliteAsync("what time is it please", default);
        var options = new PipelineOptions();
        options.Vad.EndSilenceMs = 500;
        options.Vad.MinSpeechMs = 120;
        var factory = new ConversationPipelineFactory(
            new WebRtcVadFactory(Options.Create(new WebRtcVadOptions { Mode = 2 })),
            new InstantBenchAsr(), new InstantBenchLlm(), new InstantBenchTts(), new LinearResamplerFactory(),
            Options.Create(options), NullLoggerFactory.Instance);
        var silence = new byte[AudioFormat.Pcm16Mono16k.BytesFor(options.Vad.EndSilenceMs + 400)];
        var lead = new byte[AudioFormat.Pcm16Mono16k.BytesFor(300)];

        var loadBefore = Percentiles.LoadAverage();
        var outMs = new List<double>();
        var stageMs = new Dictionary<TurnMilestone, List<double>> { [TurnMilestone.AsrFinal] = [], [TurnMilestone.LlmFirstToken] = [], [TurnMilestone.FirstAudio] = [] };
        var warm = 10;
        var missed = 0;
        var split = 0;
        for (var done = -warm; done < turns;)
        {
            var conversation = new Conversation("bench-" + done, SessionSettings.Default);
            await using var chain = factory.StartVoiceCall(conversation, CancellationToken.None);
            var tracker = new ReplyTracker(conversation, chain.Turns);
            long decision = 0;
            var marks = new Dictionary<TurnMilestone, double>();
            chain.Timeline.Reached += (m, latency) =>
            {
                lock (marks)
                {
                    if (m == TurnMilestone.AsrFinal)
                    {
                        // The first milestone after Start: the VAD's decision was `latency` ago.
                        decision = Stopwatch.GetTimestamp() - (long)(latency.TotalSeconds * Stopwatch.Frequency);
                    }

                    marks[m] = latency.TotalMilliseconds;
                }
            };

            var firstOut = Channel.CreateUnbounded<(long At, bool Ended)>();
            var reader = Task.Run(async () =>
            {
                var sawAudio = false;
                while (await chain.Output.ReadAsync(CancellationToken.None) is { } frame)
                {
                    var now = Stopwatch.GetTimestamp();
                    tracker.Delivered(frame);
                    if (Environment.GetEnvironmentVariable("VA_BENCH_TRACE") is not null)
                    {
                        Console.WriteLine($"  {frame.GetType().Name} {(frame is TurnFrame tf ? tf.Turn.ToString() : "")}");
                    }

                    if (frame is AgentAudioFrame && !sawAudio)
                    {
                        sawAudio = true;
                        firstOut.Writer.TryWrite((now, false));
                    }
                    else if (frame is ReplyEndFrame)
                    {
                        sawAudio = false;
                        firstOut.Writer.TryWrite((now, true));
                    }
                }
            });

            for (var t = 0; t < TurnsPerCall && done < turns; t++, done++)
            {
                // The agent's 200 ms reply is still "playing" (TurnManager.AgentActive) for a moment after it was
                // delivered; a question inside that window would be a barge-in. Wait it out, as a listener would.
                await Task.Delay(260);
                await FeedAsync(chain, lead);
                await FeedAsync(chain, question);
                await FeedAsync(chain, silence);
                // Read replies until none has come for 100 ms; if the VAD cut the question into two turns, the last reply counts.
                (long At, bool Ended)? lastFirst = null;
                var replies = 0;
                using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
                {
                    try
                    {
                        while (true)
                        {
                            using var quiet = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
                            quiet.CancelAfter(replies == 0 ? TimeSpan.FromSeconds(5) : TimeSpan.FromMilliseconds(100));
                            var item = await firstOut.Reader.ReadAsync(quiet.Token);
                            if (item.Ended)
                            {
                                replies++;
                            }
                            else
                            {
                                lastFirst = item;
                            }
                        }
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }

                split += replies > 1 ? 1 : 0;
                if (lastFirst is not { } first)
                {
                    missed++;
                    if (Environment.GetEnvironmentVariable("VA_BENCH_TRACE") is not null)
                    {
                        Console.WriteLine($"missed turn {done}");
                    }

                }
                else if (done >= 0)
                {
                    lock (marks)
                    {
                        outMs.Add(Stopwatch.GetElapsedTime(decision, first.At).TotalMilliseconds);
                        foreach (var (m, list) in stageMs)
                        {
                            if (marks.TryGetValue(m, out var v))
                            {
                                list.Add(v);
                            }
                        }

                        marks.Clear();
                    }
                }
            }

            chain.CompleteInput();
            await reader.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        var s = Percentiles.Sorted(outMs);
        Console.WriteLine($"pipeline-overhead: real WebRTC VAD + benchmark-local instant ASR/LLM/TTS fakes, {s.Count} turns ({TurnsPerCall} per call), {missed} without a reply, {split} cut by the VAD into two turns (the last reply timed); question {question.Length / 32} ms");
        Console.WriteLine("| from the VAD's end-of-speech decision to | p50 ms | p99 ms | max ms |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (m, list) in stageMs)
        {
            var l = Percentiles.Sorted(list);
            Console.WriteLine($"| {m} mark | {Percentiles.F(Percentiles.Of(l, 50), 3)} | {Percentiles.F(Percentiles.Of(l, 99), 3)} | {Percentiles.F(l.LastOrDefault(), 3)} |");
        }

        Console.WriteLine($"| first AgentAudioFrame out of the chain | {Percentiles.F(Percentiles.Of(s, 50), 3)} | {Percentiles.F(Percentiles.Of(s, 99), 3)} | {Percentiles.F(s.LastOrDefault(), 3)} |");
        Console.WriteLine($"load average before {loadBefore}, after {Percentiles.LoadAverage()}");
    }

    private static async Task FeedAsync(StageChain chain, byte[] pcm)
    {
        for (var off = 0; off < pcm.Length; off += 640)
        {
            var n = Math.Min(640, pcm.Length - off);
            await chain.Input.WriteAsync(new InputAudioFrame(new AudioChunk(pcm.AsMemory(off, n).ToArray(), AudioFormat.Pcm16Mono16k)));
        }
    }
}
