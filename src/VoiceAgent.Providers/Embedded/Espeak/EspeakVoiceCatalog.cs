namespace VoiceAgent.Providers.Embedded.Espeak;

/// <summary>One installed eSpeak NG voice: its file identifier, display name and (priority, language) list.</summary>
internal sealed record EspeakVoiceEntry(string Identifier, string Name, IReadOnlyList<(int Priority, string Language)> Languages);

/// <summary>Resolves the names callers use (language codes, voice files, voice names) to eSpeak NG voice file identifiers.</summary>
/// <remarks>
/// We resolve names ourselves and hand eSpeak NG a file identifier: espeak_SetVoiceByName matches voice files and names,
/// not languages by priority ("zh" should mean Mandarin), and an unknown voice must be refused before taking the engine lock.
/// </remarks>
internal sealed class EspeakVoiceCatalog
{
    private readonly Dictionary<string, string> _identifierByName = new(StringComparer.OrdinalIgnoreCase);

    public EspeakVoiceCatalog(IEnumerable<EspeakVoiceEntry> voices)
    {
        var bestPriority = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var languages = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var voice in voices)
        {
            // A language maps to its highest-priority voice (lowest number), as `espeak-ng --voices=<lang>` ranks them;
            // on a tie the first listed wins, so "zh" is Mandarin (cmn, 5) rather than Cantonese (yue, 8).
            foreach (var (priority, language) in voice.Languages)
            {
                languages.Add(language);
                if (!bestPriority.TryGetValue(language, out var best) || priority < best)
                {
                    bestPriority[language] = priority;
                    _identifierByName[language] = voice.Identifier;
                }
            }
        }

        foreach (var voice in voices)
        {
            // Languages win over file and display names: "en" is the language, not the file gmw/en.
            _identifierByName.TryAdd(voice.Identifier, voice.Identifier);
            _identifierByName.TryAdd(voice.Identifier[(voice.Identifier.LastIndexOf('/') + 1)..], voice.Identifier);
            _identifierByName.TryAdd(voice.Name, voice.Identifier);
        }

        LanguageCodes = [.. languages];
    }

    /// <summary>The language codes eSpeak NG lists (e.g. <c>en</c>, <c>en-us</c>, <c>cmn</c>, <c>zh</c>), sorted.</summary>
    public IReadOnlyList<string> LanguageCodes { get; }

    public string? Resolve(string name) =>
        _identifierByName.TryGetValue(name.Trim(), out var identifier) ? identifier : null;

    /// <summary>Resolves a BCP 47 tag, falling back to its primary subtag ("zh-CN" → "zh", "en-IN" → "en").</summary>
    public string? ResolveLanguage(string tag)
    {
        var identifier = Resolve(tag.Replace('_', '-'));
        var dash = tag.IndexOfAny(['-', '_']);
        return identifier ?? (dash > 0 ? Resolve(tag[..dash]) : null);
    }
}
