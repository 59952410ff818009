namespace VoiceAgent.Providers.Embedded.PocketSphinx;

/// <summary>A built domain model: its language model and dictionary files, and what went into them.</summary>
/// <param name="LanguageModelPath">The ARPA trigram of the phrases.</param>
/// <param name="DictionaryPath">The pronunciations of its words (a subset of the model's dictionary, plus guesses).</param>
/// <param name="Phrases">Phrases used (those with a word that has no pronunciation are left out).</param>
/// <param name="Words">Distinct words in the model.</param>
/// <param name="GuessedWords">Words not in the dictionary whose pronunciation was guessed.</param>
/// <param name="MissingWords">Words with no pronunciation at all; phrases containing them were skipped.</param>
public sealed record PocketSphinxDomainModel(
    string LanguageModelPath,
    string DictionaryPath,
    int Phrases,
    int Words,
    IReadOnlyList<string> GuessedWords,
    IReadOnlyList<string> MissingWords);
