using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Api.Recorded;

/// <summary>
/// What a recorded-question connection needs from the host: engines, the shared pipeline, the store, storage. The
/// host's instance acts for the default tenant; a connection uses <see cref="ForTenant"/> of its caller.
/// </summary>
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

    private IConversationStore _store = store;

    /// <summary>The owner of the sessions and uploads this instance touches.</summary>
    public TenantId Tenant { get; private set; } = TenantId.Default;

    /// <summary>The tenant's own sessions.</summary>
    public IConversationStore Store => _store;

    public IResamplerFactory Resamplers => resamplers;

    public UploadStorage Storage => storage;

    public VisionCapability Vision => vision;

    public RecordedOptions Options => options.Value;

    public TimeProvider Time => time;

    public ILogger Logger { get; } = loggers.CreateLogger("VoiceAgent.Recorded");

    public int OutputSampleRate => pipelines.Options.Output.OutputSampleRate;

    /// <summary>The same services acting for <paramref name="tenant"/>: its sessions, its upload folder.</summary>
    public RecordedQuestionServices ForTenant(TenantId tenant)
    {
        var copy = (RecordedQuestionServices)MemberwiseClone();
        copy._store = _store.ForTenant(tenant);
        copy.Tenant = tenant;
        return copy;
    }

    /// <summary>Keeps an upload in the tenant's folder; its file name, or null when storing is off or failed.</summary>
    public Task<string?> SaveUploadAsync(string kind, string extension, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        storage.SaveAsync(Tenant, kind, extension, data, cancellationToken);

    /// <summary>The whole recording through the configured recogniser; the trimmed text, empty when nothing was heard.</summary>
    public async Task<string> TranscribeAsync(RecordedAudio audio, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audio);
        using var pcm = new MemoryStream(Pcm16.ToBytes(audio.Samples));
        var result = await asr.GetTextAsync(pcm, new SpeechToTextOptions { SpeechSampleRate = RecordedAudio.SampleRate }, cancellationToken);
        return result.Text.Trim();
    }
}
