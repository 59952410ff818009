using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VoiceAgent.Benchmarks.Pipeline;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Turns;
using VoiceAgent.Providers.DashScope;
using VoiceAgent.Providers.Embedded.WebRtcVad;
using VoiceAgent.Providers.Tests.DashScope;

namespace VoiceAgent.Benchmarks.DashScope;

/// <summary>
/// LLM's first text piece → first agent audio byte out of the reply chain, CosyVoice duplex (one task per reply, a
/// continue-task per piece) vs whole sentences (splitter → one task per sentence), against the local fake of DashScope's
/// protocol, which waits a fixed synthetic delay before a sentence's first audio. The LLM streams a Chinese reply in pieces
/// 30 ms apart. Reported: the raw time, and the service's own added cost = (first audio out − when the piece completing
/// the first sentence left the LLM) − (the fake's first audio frame − when the fake had that sentence), i.e. everything but
/// the LLM's pace and the engine's own synthesis time, as measured by the fake itself (its timer overshoots under load).
/// Both modes run interleaved, each on its own warm connection pool. The fake's sockets have TCP_NODELAY like a real
/// server's (see <see cref="VoiceAgent.Providers.Tests.LoopbackWebSocketListener"/>): without it, the audio frame the fake
/// sends right after an event waited for the client's delayed ACK, and that wait was counted as the service's cost.
/// </summary>
public static class CosyVoiceDuplexLatency
{
    private static readonly string[] Pieces = ["今天", "天气", "很好。", "我们", "去公园", "散步吧。"];
    private const int SentenceEndPiece = 2;
    private static readonly TimeSpan PieceGap = TimeSpan.FromMilliseconds(30);
    private static readonly TimeSpan SynthesisDelay = TimeSpan.FromMilliseconds(50);

    public static async Task RunAsync(int runs)
    {
        await using var fake = FakeDashScopeServer.Start();
        fake.FirstAudioDelay = SynthesisDelay;
        var llm = new PacedLlm();
        var modes = new[] { ("duplex", true), ("sentences", false) };
        var factories = modes.Select(m => Factory(fake.BaseUrl, m.Item2, llm)).ToArray();
        var raw = modes.Select(_ => new List<double>()).ToArray();
        var added = modes.Select(_ => new List<double>()).ToArray();
        var load = Percentiles.LoadAverage();
        for (var i = -3; i < runs; i++)
        {
            for (var m = 0; m < modes.Length; m++)
            {
                var before = fake.Tasks.Count;
                var (first, sentenceEnd, audio) = await OneReplyAsync(factories[m], llm);
                var engine = fake.Tasks.Skip(before).First(t => t.FirstAudioAt != 0); // the reply's first sentence
                if (i >= 0)
                {
                    raw[m].Add(Ms(first, audio));
                    added[m].Add(Ms(sentenceEnd, audio) - Ms(engine.FirstSentenceAt, engine.FirstAudioAt));
                }
            }
        }

        Console.WriteLine($"CosyVoice first piece → first audio byte, {runs} replies per mode, pieces {PieceGap.TotalMilliseconds} ms apart, fake delay {SynthesisDelay.TotalMilliseconds} ms; load average before {load}, after {Percentiles.LoadAverage()}");
        for (var m = 0; m < modes.Length; m++)
        {
            var r = Percentiles.Sorted(raw[m]);
            var a = Percentiles.Sorted(added[m]);
            Console.WriteLine($"  {modes[m].Item1,-10} raw p50 {Percentiles.F(Percentiles.Of(r, 50))} ms p95 {Percentiles.F(Percentiles.Of(r, 95))} ms | added p50 {Percentiles.F(Percentiles.Of(a, 50), 2)} ms p95 {Percentiles.F(Percentiles.Of(a, 95), 2)} ms");
        }

        Console.WriteLine($"  connections opened: {fake.Upgrades.Count} (tasks: {fake.Tasks.Count})");
    }

    private static async Task<(long First, long SentenceEnd, long Audio)> OneReplyAsync(ConversationPipelineFactory factory, PacedLlm llm)
    {
        await using var chain = factory.StartReply(null, withAudio: true, CancellationToken.None);
        var turn = chain.Turns.BeginTurn();
        await chain.Input.WriteAsync(new ChatRequestFrame(turn, [new ChatMessage(ChatRole.User, "天气怎么样？")], null));
        chain.CompleteInput();
        long audio = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await chain.Output.ReadAsync(timeout.Token) is { } frame)
        {
            if (frame is AgentAudioFrame && audio == 0)
            {
                audio = Stopwatch.GetTimestamp();
            }

            if (frame is ReplyEndFrame)
            {
                break;
            }
        }

        return (llm.Yielded[0], llm.Yielded[SentenceEndPiece], audio);
    }

    private static ConversationPipelineFactory Factory(string baseUrl, bool duplex, IChatClient llm)
    {
        var tts = DashScopeEngines.CreateTextToSpeechClient(
            new DashScopeEngineOptions { Name = duplex ? "duplex" : "sentences", BaseUrl = baseUrl, ApiKey = "bench", Model = DashScopeEngines.DefaultTtsModel, Voice = "longxiaochun_v2", Duplex = duplex },
            16_000);
        return new ConversationPipelineFactory(
            new WebRtcVadFactory(Options.Create(new WebRtcVadOptions())), new InstantBenchAsr(), llm, tts, new LinearResamplerFactory(),
            Options.Create(new PipelineOptions()), NullLoggerFactory.Instance);
    }

    private static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    /// <summary>Streams <see cref="Pieces"/> <see cref="PieceGap"/> apart and notes when each left.</summary>
    private sealed class PacedLlm : IChatClient
    {
        public long[] Yielded { get; } = new long[Pieces.Length];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, string.Concat(Pieces))));

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            for (var i = 0; i < Pieces.Length; i++)
            {
                if (i > 0)
                {
                    await Task.Delay(PieceGap, cancellationToken);
                }

                Yielded[i] = Stopwatch.GetTimestamp();
                yield return new ChatResponseUpdate(ChatRole.Assistant, Pieces[i]);
            }

            yield return new ChatResponseUpdate { FinishReason = ChatFinishReason.Stop };
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

        public void Dispose()
        {
        }
    }
}
