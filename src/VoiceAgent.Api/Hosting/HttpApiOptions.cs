namespace VoiceAgent.Api.Hosting;

/// <summary>HTTP endpoint settings (configuration section <c>VoiceAgent:Http</c>).</summary>
public sealed class HttpApiOptions
{
    /// <summary>Largest JSON request body accepted; larger ones get 413.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest upload to <c>/v1/audio/transcriptions</c>.</summary>
    public int MaxUploadBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>Longest audio <c>/v1/audio/transcriptions</c> transcribes; longer uploads get a 400.</summary>
    public TimeSpan MaxTranscriptionDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Send audio at real-time pace instead of as fast as it is made (the Agora engine buffers either way).</summary>
    public bool PaceRealTime { get; set; }

    /// <summary>With pacing, how far ahead of real time audio may run, so the listener's buffer never starves.</summary>
    public int PaceLeadMs { get; set; } = 300;

    /// <summary>Memory for remembered syntheses of assistant-role texts; 0 turns the cache off.</summary>
    public long SynthesisCacheBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// A streamed reply that has sent nothing for this long (a tool running, a slow first token) gets an SSE comment line,
    /// <c>: keep-alive</c>, which every SSE parser skips, so that proxies and the Agora engine do not time it out; 0 turns it off.
    /// </summary>
    public int KeepAliveMs { get; set; } = 5000;

    /// <summary>
    /// How <c>/v1/audio/speech</c> makes Ogg Opus: <c>libopus</c> (in process, the default) or <c>ffmpeg</c> (the ffmpeg
    /// program, about 30 ms later to the first byte; kept for comparison and for a host without libopus0).
    /// </summary>
    public string OpusEncoder { get; set; } = "libopus";

    /// <summary>The model name reported in responses when a request names none.</summary>
    public string ModelName { get; set; } = "voiceagent";
}
