using VoiceAgent.Api.VoiceCall;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Api.Telephony;

/// <summary>What every phone call uses from the host: the pipeline, the resampler, the settings, metrics and clock.</summary>
public sealed record PhoneCallServices(
    ConversationPipelineFactory Pipelines,
    IResamplerFactory Resamplers,
    TelephonyOptions Options,
    VoiceCallOptions Limits,
    PipelineMetrics Metrics,
    TimeProvider Time);
