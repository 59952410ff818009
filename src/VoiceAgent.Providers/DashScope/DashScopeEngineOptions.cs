using System.Globalization;
using VoiceAgent.Providers.OpenAI;

namespace VoiceAgent.Providers.DashScope;

/// <summary>How to reach one DashScope speech engine (CosyVoice TTS or Paraformer ASR) over its WebSocket API.</summary>
/// <remarks>Bound from <c>VoiceAgent:Tts:DashScope</c> or <c>VoiceAgent:Asr:DashScope</c>. <see cref="ApiKey"/> never appears in <see cref="ToString"/>.</remarks>
public sealed class DashScopeEngineOptions
{
    /// <summary>DashScope's public WebSocket endpoint (China, Beijing). Use <c>wss://dashscope-intl.aliyuncs.com/api-ws/v1/inference</c> for Singapore, or a workspace's own domain.</summary>
    public const string DefaultBaseUrl = "wss://dashscope.aliyuncs.com/api-ws/v1/inference";

    /// <summary>Engine name used in metrics, logs and fallback messages.</summary>
    public string Name { get; set; } = "dashscope";

    public string BaseUrl { get; set; } = DefaultBaseUrl;

    /// <summary>Sent as <c>Authorization: bearer</c>; optional only for a local server that wants none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Optional workspace id, sent as <c>X-DashScope-WorkSpace</c>.</summary>
    public string? Workspace { get; set; }

    /// <summary><c>cosyvoice-v2</c> for speech, <c>paraformer-realtime-v2</c> for recognition (the registration fills the default per stage).</summary>
    public string Model { get; set; } = "";

    /// <summary>CosyVoice voice, e.g. <c>longxiaochun_v2</c>; a request's voice wins.</summary>
    public string? Voice { get; set; }

    /// <summary>
    /// CosyVoice: the PCM rate asked of the server (8000, 16000, 22050, 24000, 44100 or 48000); 0 = the pipeline's output
    /// rate, so nothing is resampled. Paraformer: ignored (the pipeline's 16 kHz audio is sent as is).
    /// </summary>
    public int SampleRate { get; set; }

    /// <summary>Recognition language hint (<c>zh</c>, <c>en</c>, <c>ja</c>, <c>yue</c>, <c>ko</c>...); a request's SpeechLanguage wins.</summary>
    public string? Language { get; set; }

    /// <summary>Per attempt: connecting, starting the task and waiting for its first result, and the longest gap between results.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of a failure before anything was yielded (0 disables retrying).</summary>
    public int MaxRetries { get; set; } = 2;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>CosyVoice: send the reply's text as the LLM streams it (one <c>continue-task</c> per piece) rather than sentence by sentence.</summary>
    public bool Duplex { get; set; } = true;

    /// <summary>
    /// CosyVoice duplex: the longest the LLM may go without new text while a task is open (before finish-task); past it
    /// the task fails as an engine failure instead of holding the turn.
    /// </summary>
    public TimeSpan MaxTextGap { get; set; } = TimeSpan.FromSeconds(10);

    internal static readonly int[] CosyVoiceRates = [8_000, 16_000, 22_050, 24_000, 44_100, 48_000];

    /// <summary>Configuration errors, each naming its key under <paramref name="section"/>; empty when valid.</summary>
    public IReadOnlyList<string> Validate(string section)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Name))
        {
            errors.Add($"{section}:Name must not be empty.");
        }

        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != "ws" && uri.Scheme != "wss"))
        {
            errors.Add($"{section}:BaseUrl must be an absolute ws(s) URL (DashScope's is {DefaultBaseUrl}).");
        }

        if (string.IsNullOrWhiteSpace(Model))
        {
            errors.Add($"{section}:Model is required (e.g. cosyvoice-v2 or paraformer-realtime-v2).");
        }

        if (SampleRate != 0 && !CosyVoiceRates.Contains(SampleRate))
        {
            errors.Add($"{section}:SampleRate must be 0 (the output rate) or one of {string.Join(", ", CosyVoiceRates)}.");
        }

        errors.AddRange(EngineResilienceOptions.AttemptErrors(section, Timeout, MaxRetries, RetryBaseDelay));

        if (MaxTextGap <= TimeSpan.Zero || MaxTextGap > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{section}:MaxTextGap must be between 00:00:00.001 and 00:10:00.");
        }

        return errors;
    }

    /// <summary>Throws <see cref="InvalidOperationException"/> listing every error of <see cref="Validate"/>.</summary>
    public void ThrowIfInvalid(string section)
    {
        var errors = Validate(section);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", errors));
        }
    }

    public EngineResilienceOptions ToResilience() => new() { Timeout = Timeout, MaxRetries = MaxRetries, RetryBaseDelay = RetryBaseDelay };

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Name}: {BaseUrl} model={Model} key={(string.IsNullOrEmpty(ApiKey) ? "none" : "***")} timeout={Timeout} retries={MaxRetries}");
}
