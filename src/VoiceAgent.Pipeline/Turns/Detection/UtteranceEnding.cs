namespace VoiceAgent.Pipeline.Turns.Detection;

/// <summary>What the words so far say about whether the user has finished.</summary>
public enum UtteranceEnding
{
    /// <summary>Nothing either way (or no words yet): wait the configured <c>UncertainEndSilenceMs</c>.</summary>
    Neutral,

    /// <summary>The sentence is left open (a conjunction, a preposition, "um", a number being read out): wait longer.</summary>
    Open,

    /// <summary>
    /// A request or a statement of details ("I would like…", "I need…", "my name is…", "我想…"): people pause inside these
    /// while they think of the details, and a recogniser's slip on the last word ("for" heard as "far") must not end
    /// them, so wait halfway between <c>EndSilenceMs</c> and <c>MaxEndSilenceMs</c>.
    /// </summary>
    Request,

    /// <summary>A complete question or command: answer quickly.</summary>
    Complete,
}
