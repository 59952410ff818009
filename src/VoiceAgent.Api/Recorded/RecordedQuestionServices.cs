using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Api.Recorded;

/// <summary>What a recorded-question connection needs from the host: engines, the shared pipeline, the store, storage.</summary>
public sealed class RecordedQuestionServices(
    ConversationPipelineFactory pipelines,
    IConversationStore store,
    ISpeechToTextClient asr,
    IResamplerFactory resamplers,
    UploadStorage storage,
    VisionCapability vision,
    IOptions<RecordedOptions> options,
    TimeProvider time,
    ILoggerFactory loggers)
{
    public ConversationPipelineFactory Pipelines => pipelines;

    public IConversationStore Store => store;

    public IResamplerFactory Resamplers => resamplers;

    public UploadStorage Storage => storage;

    public VisionCapability Vision => vision;

    public RecordedOptions Options => options.Value;

    public TimeProvider Time => time;

    public ILogger Logger { get; } = loggers.CreateLogger("VoiceAgent.Recorded");

    public int OutputSampleRate => pipelines.Options.Output.OutputSampleRate;

    /// <summary>The whole recording through the configured recogniser; the trimmed text, empty when nothing was heard.</summary>
    public async Task<string> TranscribeAsync(RecordedAudio audio, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audio);
        using var pcm = new MemoryStream(Pcm16.ToBytes(audio.Samples));
        var result = await asr.GetTextAsync(pcm, new SpeechToTextOptions { SpeechSampleRate = RecordedAudio.SampleRate }, cancellationToken);
        return result.Text.Trim();
    }
}
