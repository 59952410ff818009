namespace VoiceAgent.Providers.Tools;

/// <summary>One HTTP tool: the LLM calls it by <see cref="Name"/>; its arguments go to <see cref="Url"/> (POST JSON body, or GET query).</summary>
public sealed class HttpToolOptions
{
    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    /// <summary>The arguments' JSON Schema as a string (<c>Parameters</c> may give it as a JSON object instead); none: no arguments.</summary>
    public string? ParametersJson { get; set; }

    public string Url { get; set; } = "";

    /// <summary>POST (arguments as a JSON body) or GET (arguments as query parameters).</summary>
    public string Method { get; set; } = "POST";

    /// <summary>Extra request headers (an API key, for instance).</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long the tool may take; 0 for the default.</summary>
    public int TimeoutMs { get; set; }
}
