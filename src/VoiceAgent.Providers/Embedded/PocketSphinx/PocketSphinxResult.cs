namespace VoiceAgent.Providers.Embedded.PocketSphinx;

/// <summary>An utterance's final hypotheses: the generic search's, the domain search's if there is one, and the one picked.</summary>
/// <remarks>
/// Both are n-gram searches over the same acoustic model and language weight, so their path scores are comparable: the
/// domain model wins where its phrases fit the audio better, the generic one where the speech is out of domain.
/// </remarks>
internal sealed record PocketSphinxResult(PocketSphinxHypothesis Generic, PocketSphinxHypothesis? Domain)
{
    /// <summary>The generic search's posteriors (null where the decoder could not read them).</summary>
    public PocketSphinxConfidence? Confidence { get; init; }

    /// <summary>How much higher the domain search's score must be than the generic one's for its text to be taken (<see cref="PocketSphinxOptions.DomainScoreMargin"/>).</summary>
    public int DomainMargin { get; init; }

    /// <summary>True when the domain search's text is the one taken: it beat the generic score by more than the margin.</summary>
    public bool DomainPicked => Domain is { } domain && (long)domain.Score - Generic.Score > DomainMargin;

    public PocketSphinxHypothesis Picked => DomainPicked ? Domain!.Value : Generic;
}
