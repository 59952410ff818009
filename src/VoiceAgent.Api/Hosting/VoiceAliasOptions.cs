namespace VoiceAgent.Api.Hosting;

/// <summary>
/// Other names for the TTS engine's voices (configuration <c>VoiceAgent:Tts:VoiceAliases</c>, name → voice), so
/// clients written for OpenAI can ask for <c>alloy</c> or <c>nova</c> and get a configured voice.
/// </summary>
public sealed class VoiceAliasOptions
{
    public Dictionary<string, string> VoiceAliases { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The engine's own name for <paramref name="voice"/>: itself when the engine knows it (an engine's own voice wins
    /// over an alias of the same name), else the voice its alias names, else null (unknown).
    /// </summary>
    public string? Resolve(string voice, Func<string, bool> isKnown)
    {
        ArgumentNullException.ThrowIfNull(isKnown);
        if (isKnown(voice))
        {
            return voice;
        }

        return VoiceAliases.TryGetValue(voice.Trim(), out var target) && isKnown(target) ? target : null;
    }
}
