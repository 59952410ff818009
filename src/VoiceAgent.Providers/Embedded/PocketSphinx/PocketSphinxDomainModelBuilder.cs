using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace VoiceAgent.Providers.Embedded.PocketSphinx;

/// <summary>Builds the domain model's files from phrases: an ARPA trigram and the pronunciations of its words.</summary>
/// <remarks>
/// A word the dictionary lacks is guessed where a close spelling is there (see <see cref="PronunciationDictionary.Lookup"/>);
/// otherwise phrases with it are left out. Either way it is logged as a warning, so an operator sees why a phrase is
/// not recognised; a missing word is never fatal.
/// </remarks>
public sealed partial class PocketSphinxDomainModelBuilder(ILogger<PocketSphinxDomainModelBuilder> logger)
{
    /// <summary>Writes <c>domain.lm</c> and <c>domain.dict</c> into <paramref name="directory"/> (created if needed); null when no phrase is usable.</summary>
    public PocketSphinxDomainModel? Build(IEnumerable<string> phrases, string dictionaryPath, string directory)
    {
        ArgumentNullException.ThrowIfNull(phrases);
        var dictionary = PronunciationDictionary.Load(dictionaryPath);
        var pronunciations = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var guessed = new SortedSet<string>(StringComparer.Ordinal);
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        var sentences = new List<IReadOnlyList<string>>();
        foreach (var words in phrases.Select(Words).Where(w => w.Count > 0).DistinctBy(w => string.Join(' ', w)))
        {
            var usable = true;
            foreach (var word in words)
            {
                if (pronunciations.ContainsKey(word))
                {
                    continue;
                }

                if (missing.Contains(word))
                {
                    usable = false;
                    continue;
                }

                var found = dictionary.Lookup(word, out var wasGuessed);
                if (found.Count == 0)
                {
                    missing.Add(word);
                    usable = false;
                    continue;
                }

                pronunciations[word] = found;
                if (wasGuessed)
                {
                    guessed.Add(word);
                }
            }

            if (usable)
            {
                sentences.Add(words);
            }
        }

        foreach (var word in guessed)
        {
            LogGuessed(word, string.Join(" | ", pronunciations[word]));
        }

        foreach (var word in missing)
        {
            LogMissing(word);
        }

        if (sentences.Count == 0)
        {
            LogNoPhrases();
            return null;
        }

        // Words only in skipped phrases must not reach the dictionary: the model would have no n-gram for them.
        var used = sentences.SelectMany(s => s).ToHashSet(StringComparer.Ordinal);
        Directory.CreateDirectory(directory);
        var lmPath = Path.Combine(directory, "domain.lm");
        var dictPath = Path.Combine(directory, "domain.dict");
        using (var writer = new StreamWriter(lmPath, append: false, new UTF8Encoding(false)))
        {
            ArpaLanguageModel.Write(sentences, writer);
        }

        using (var writer = new StreamWriter(dictPath, append: false, new UTF8Encoding(false)))
        {
            foreach (var (word, variants) in pronunciations.Where(p => used.Contains(p.Key)))
            {
                for (var i = 0; i < variants.Count; i++)
                {
                    writer.WriteLine(i == 0 ? $"{word} {variants[i]}" : string.Create(CultureInfo.InvariantCulture, $"{word}({i + 1}) {variants[i]}"));
                }
            }
        }

        var model = new PocketSphinxDomainModel(lmPath, dictPath, sentences.Count, used.Count, [.. guessed.Where(used.Contains)], [.. missing]);
        LogBuilt(model.Phrases, model.Words, directory);
        return model;
    }

    /// <summary>Lowercase words as the recogniser writes them: letters, digits and apostrophes; everything else separates.</summary>
    internal static List<string> Words(string phrase)
    {
        var sb = new StringBuilder(phrase.Length);
        foreach (var c in phrase.ToLowerInvariant())
        {
            sb.Append(char.IsLetterOrDigit(c) || c == '\'' ? c : ' ');
        }

        return sb.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim('\'')).Where(w => w.Length > 0).ToList();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "ASR domain model: \"{Word}\" is not in the pronunciation dictionary; guessed as {Pronunciation}")]
    private partial void LogGuessed(string word, string pronunciation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ASR domain model: \"{Word}\" is not in the pronunciation dictionary and could not be guessed; phrases with it are left out")]
    private partial void LogMissing(string word);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ASR domain model: no usable phrase; the generic model alone is used")]
    private partial void LogNoPhrases();

    [LoggerMessage(Level = LogLevel.Information, Message = "ASR domain model built: {Phrases} phrases, {Words} words, in {Directory}")]
    private partial void LogBuilt(int phrases, int words, string directory);
}
