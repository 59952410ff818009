namespace VoiceAgent.Providers.Embedded.PocketSphinx;

/// <summary>
/// The cepstral mean a call's earlier turns ended with, and how many 10 ms frames it counts for when the next turn
/// starts from it: the call's own speech, never another caller's.
/// </summary>
internal readonly record struct PocketSphinxCallMean(float[] Mean, int Weight)
{
    /// <summary>
    /// Weight of the call's earlier speech at a turn's start (1 s): enough that the first words of the turn are decoded
    /// with the speaker's mean, little enough that the turn's own frames take over within a second if the line changed.
    /// </summary>
    public const int DefaultWeight = 100;
}
