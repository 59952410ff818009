namespace VoiceAgent.Providers.Embedded.PocketSphinx;

/// <summary>
/// How sure the recogniser is of its final words, from the word lattice: the whole hypothesis' posterior probability,
/// and the lowest and mean posterior of its spoken words (1 when there are none).
/// </summary>
internal readonly record struct PocketSphinxConfidence(double Utterance, double MinWord, double MeanWord);
