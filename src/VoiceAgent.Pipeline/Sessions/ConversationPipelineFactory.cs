using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VoiceAgent.Pipeline.Asr;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Llm;
using VoiceAgent.Pipeline.Text;
using VoiceAgent.Pipeline.Turns;
using VoiceAgent.Pipeline.Turns.Detection;
using VoiceAgent.Pipeline.Turns.Tracing;
using VoiceAgent.Pipeline.Tts;
using VoiceAgent.Pipeline.Vad;

namespace VoiceAgent.Pipeline.Sessions;

/// <summary>
/// Builds the one pipeline every transport uses: the whole chain for a voice call, and its LLM → splitter → TTS part
/// for a request that brings its own text. Engines are the shared singletons the host configured.
/// </summary>
public sealed class ConversationPipelineFactory(
    IVoiceActivityDetectorFactory vad,
    ISpeechToTextClient asr,
    IChatClient llm,
    ITextToSpeechClient tts,
    IResamplerFactory resamplers,
    IOptions<PipelineOptions> options,
    ILoggerFactory loggers,
    TimeProvider? time = null,
    PipelineMetrics? metrics = null,
    ITurnDetectorFactory? turnDetectors = null,
    IToolCatalog? toolCatalog = null,
    IOptions<ToolsOptions>? toolOptions = null,
    TurnTracing? tracing = null)
{
    // Link capacities, in frames. Every link waits when full (nothing is dropped); a slow consumer slows its producer.
    private const int AudioInCapacity = 64;      // input chunks of up to 1 s each
    private const int SpeechCapacity = 256;      // 30 ms frames: ~7.7 s of speech queued for the recogniser
    private const int TextCapacity = 256;        // tokens and transcripts
    private const int SentenceCapacity = 32;
    private const int AudioOutCapacity = 64;     // 40 ms chunks: ~2.5 s of speech ready ahead of the transport

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public PipelineOptions Options => options.Value;

    /// <summary>VAD → ASR → LLM → splitter → TTS for one call, answering with <paramref name="conversation"/>'s history.</summary>
    public StageChain StartVoiceCall(Conversation conversation, CancellationToken sessionToken)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var cts = CancellationTokenSource.CreateLinkedTokenSource(sessionToken);
        var turns = new TurnManager(cts.Token, _time);
        var timeline = Timeline(turns, conversation.SessionId);
        var o = options.Value;
        var speech = SpeechOptions(conversation.Settings.Tts);

        // The call's side door from the recogniser back to the VAD stage: partials for the turn detector and the interruption policy.
        var transcript = new UserTranscript(_time, SpeechToTextPartials.PublishedBy(asr));
        var detector = (turnDetectors ?? BuiltInTurnDetector(o.Vad, _time)).Create(VadStage.SampleRate, transcript);
        // Owned by the chain from here on: it goes into the ChainOutput, which the chain disposes after its stages.
#pragma warning disable CA2000
        var interruptions = new InterruptionPolicy(o.Interruptions, turns, transcript, _time, timeline, loggers.CreateLogger<InterruptionPolicy>(), metrics);
#pragma warning restore CA2000
        StageLink[] stages =
        [
            new("vad", new VadStage(vad, resamplers, o.Vad, turns, timeline, detector, interruptions, _time).RunAsync, AudioInCapacity),
            new("asr", new AsrStage(asr, timeline, new SpeechToTextOptions { SpeechSampleRate = VadStage.SampleRate }, loggers.CreateLogger<AsrStage>(), transcript).RunAsync, SpeechCapacity),
            new("llm", new LlmStage(llm, turns, timeline, o.Llm, conversation, loggers.CreateLogger<LlmStage>(), Tools(speaks: true)).RunAsync, TextCapacity),
            .. SpeechStages(turns, timeline, speech),
        ];
        var lead = o.Interruptions.Enabled ? TimeSpan.FromMilliseconds(o.Interruptions.PlaybackLeadMs) : TimeSpan.Zero;
        return StageChain.Start(stages, AudioOutCapacity, turns, timeline, cts, _time, new ChainOutput(lead, _time, interruptions));
    }

    /// <summary>The detector named by <c>Vad:TurnDetector</c> when the host registered none: the two built in.</summary>
    public static ITurnDetectorFactory BuiltInTurnDetector(VadEndpointerOptions vad, TimeProvider? time = null) => vad.TurnDetector switch
    {
        TranscriptTurnDetector.Name => new TranscriptTurnDetectorFactory(vad, time),
        FixedTurnDetector.Name => new FixedTurnDetector(TimeSpan.FromMilliseconds(vad.EndSilenceMs)),
        var other => throw new InvalidOperationException($"VoiceAgent:Pipeline:Vad:TurnDetector '{other}' is not registered; the built-in ones are {TranscriptTurnDetector.Name} and {FixedTurnDetector.Name}."),
    };

    /// <summary>LLM → splitter → TTS (or the LLM alone for a text-only reply) for one request.</summary>
    public StageChain StartReply(TtsSettings? voice, bool withAudio, CancellationToken requestToken) => StartReply(voice, withAudio, null, requestToken);

    /// <summary>LLM → splitter → TTS, with each piece of the LLM's text also copied to <paramref name="textTap"/> as it streams.</summary>
    public StageChain StartReply(TtsSettings? voice, ChannelWriter<ReplyTextFrame> textTap, CancellationToken requestToken) =>
        StartReply(voice, true, textTap, requestToken);

    private StageChain StartReply(TtsSettings? voice, bool withAudio, ChannelWriter<ReplyTextFrame>? textTap, CancellationToken requestToken)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(requestToken);
        var turns = new TurnManager(cts.Token, _time);
        var timeline = Timeline(turns, null);
        var o = options.Value;
        var llmStage = new StageLink("llm", new LlmStage(llm, turns, timeline, o.Llm, null, loggers.CreateLogger<LlmStage>(), Tools(withAudio)).RunAsync, 4);
        if (!withAudio)
        {
            return StageChain.Start([llmStage], TextCapacity, turns, timeline, cts, _time);
        }

        var speech = SpeechOptions(voice);
        List<StageLink> stages = [llmStage, .. SpeechStages(turns, timeline, speech)];
        if (textTap is not null)
        {
            stages.Insert(1, new("text-tap", new ReplyTextTapStage(textTap).RunAsync, TextCapacity));
        }

        return StageChain.Start(stages, AudioOutCapacity, turns, timeline, cts, _time);
    }

    /// <summary>
    /// Splitter → TTS; with a duplex engine (CosyVoice) a stage in front of them feeds it the LLM's text as it streams, and
    /// they carry on only for a reply that engine could not start (and the spoken failure).
    /// </summary>
    private List<StageLink> SpeechStages(TurnManager turns, TurnTimeline timeline, TextToSpeechOptions? speech)
    {
        var o = options.Value;
        List<StageLink> stages =
        [
            new("splitter", new SentenceSplitterStage(turns, o.Splitter).RunAsync, TextCapacity),
            new("tts", new TtsStage(tts, turns, timeline, o.Output, resamplers, () => speech, loggers.CreateLogger<TtsStage>()).RunAsync, SentenceCapacity),
        ];
        if (tts.GetService<IDuplexTextToSpeech>() is { IsDuplex: true } duplex)
        {
            stages.Insert(0, new("duplex-tts", new DuplexTtsStage(duplex, turns, timeline, o.Output, resamplers, () => speech, loggers.CreateLogger<DuplexTtsStage>()).RunAsync, TextCapacity));
        }

        return stages;
    }

    private LlmTools? Tools(bool speaks) =>
        toolCatalog is null ? null : new LlmTools(toolCatalog, toolOptions?.Value ?? new ToolsOptions(), _time, speaks);

    private TurnTimeline Timeline(TurnManager turns, string? sessionId)
    {
        var tracer = tracing?.ForSession(_time, sessionId);
        tracer?.EndStaleTurns(turns.IsStale);
        var timeline = new TurnTimeline(_time, tracer);
        if (metrics is not null)
        {
            timeline.Reached += metrics.Latency;
        }

        return timeline;
    }

    private static TextToSpeechOptions? SpeechOptions(TtsSettings? tts) => tts is null
        ? null
        : new TextToSpeechOptions { VoiceId = tts.Voice, Language = tts.Language, Speed = tts.Speed };
}
