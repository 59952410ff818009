using System.Globalization;
using System.Text;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>How to reach one OpenAI-compatible engine (OpenAI, Azure OpenAI v1, vLLM, Ollama, llama.cpp server, DashScope compatible mode).</summary>
/// <remarks>Bound from a configuration section such as <c>VoiceAgent:Llm:OpenAI</c>. <see cref="ApiKey"/> and header values never appear in <see cref="ToString"/>.</remarks>
public sealed class OpenAIEngineOptions
{
    /// <summary>Engine name used in metrics, logs and fallback messages.</summary>
    public string Name { get; set; } = "openai";

    /// <summary>The API root including the version segment, e.g. <c>https://api.openai.com/v1</c> or <c>https://NAME.openai.azure.com/openai/v1</c>.</summary>
    public string BaseUrl { get; set; } = "https://api.openai.com/v1";

    /// <summary>Optional: local servers (Ollama, vLLM, llama.cpp) usually need none, and then no authentication header is sent.</summary>
    public string? ApiKey { get; set; }

    public string Model { get; set; } = "";

    /// <summary>Default voice for speech (OpenAI: alloy, ash, ballad, coral, echo, fable, nova, onyx, sage, shimmer, verse).</summary>
    public string? Voice { get; set; }

    /// <summary>Send the key as an <c>api-key</c> header (Azure OpenAI) instead of <c>Authorization: Bearer</c>.</summary>
    public bool AzureApiKeyHeader { get; set; }

    /// <summary>
    /// Set for <c>Provider=AzureOpenAI</c> (not bound from configuration): the engine is reached through <c>Azure.AI.OpenAI</c>,
    /// <see cref="BaseUrl"/> being the resource's endpoint and <see cref="Model"/> the deployment.
    /// </summary>
    public AzureOpenAIConnection? Azure { get; set; }

    /// <summary>Extra headers sent with every request (gateways, tenant ids). Values are treated as secrets.</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Per attempt: the whole call, or for a streaming call the time to the first token/audio byte and the longest gap between reads.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of a transient failure before anything was yielded (0 disables retrying).</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>First retry delay; later ones grow exponentially with jitter. A server's Retry-After wins.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Speech recognition language hint (ISO-639-1, e.g. <c>en</c>, <c>zh</c>); a request's SpeechLanguage wins.</summary>
    public string? Language { get; set; }

    /// <summary>Sample rate of the PCM16 mono the server returns for <c>response_format: pcm</c> (24000 for OpenAI).</summary>
    public int SpeechSampleRate { get; set; } = 24_000;

    /// <summary>Configuration errors, each naming its key under <paramref name="section"/>; empty when valid.</summary>
    public IReadOnlyList<string> Validate(string section)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Name))
        {
            errors.Add($"{section}:Name must not be empty.");
        }

        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{section}:BaseUrl must be an absolute http(s) URL.");
        }

        if (string.IsNullOrWhiteSpace(Model))
        {
            errors.Add($"{section}:Model is required (e.g. gpt-4o-mini, whisper-1, tts-1, or the model name your server serves).");
        }

        if (AzureApiKeyHeader && string.IsNullOrEmpty(ApiKey))
        {
            errors.Add($"{section}:ApiKey is required when {section}:AzureApiKeyHeader is true.");
        }

        foreach (var name in Headers.Keys)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Any(c => c <= ' ' || c == ':' || c > '~'))
            {
                errors.Add($"{section}:Headers has an invalid header name.");
                break;
            }
        }

        errors.AddRange(EngineResilienceOptions.AttemptErrors(section, Timeout, MaxRetries, RetryBaseDelay));

        if (SpeechSampleRate is < 8_000 or > 48_000)
        {
            errors.Add($"{section}:SpeechSampleRate must be between 8000 and 48000.");
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

    public override string ToString()
    {
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"{Name}: {BaseUrl} model={Model}");
        s.Append(string.IsNullOrEmpty(ApiKey) ? " key=none" : AzureApiKeyHeader ? " key=*** (api-key)" : " key=*** (bearer)");
        if (Headers.Count > 0)
        {
            s.Append(" headers=").Append(string.Join(',', Headers.Keys.Select(k => k + "=***")));
        }

        s.Append(CultureInfo.InvariantCulture, $" timeout={Timeout} retries={MaxRetries}");
        return s.ToString();
    }
}
