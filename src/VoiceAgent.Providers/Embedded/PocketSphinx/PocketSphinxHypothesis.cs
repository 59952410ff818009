namespace VoiceAgent.Providers.Embedded.PocketSphinx;

/// <summary>A decoder's best text and its path score (log domain, higher is better; comparable across decoders of one acoustic model).</summary>
internal readonly record struct PocketSphinxHypothesis(string Text, int Score);
