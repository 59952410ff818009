namespace VoiceAgent.Pipeline.Turns.Detection;

/// <summary>What the words so far say about whether the user has finished.</summary>
public enum UtteranceEnding
{
    /// <summary>Nothing either way (or no words yet): wait the configured <c>EndSilenceMs</c>.</summary>
    Neutral,

    /// <summary>The sentence is left open (a conjunction, a preposition, "um", a number being read out): wait longer.</summary>
    Open,

    /// <summary>A complete question or command: answer quickly.</summary>
    Complete,
}
