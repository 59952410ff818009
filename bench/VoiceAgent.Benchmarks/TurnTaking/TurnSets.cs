namespace VoiceAgent.Benchmarks.TurnTaking;

/// <summary>
/// The texts and voices of the turn-taking sets. Two disjoint parts: <c>tune</c> (flite slt and rms) for looking at
/// while choosing settings, and <c>heldout</c> (flite awb and kal, espeak-ng, other sentences, other noise levels)
/// that is only ever reported, never tuned on.
/// </summary>
public static class TurnSets
{
    public static readonly string[] Parts = ["tune", "heldout"];

    public static string[] Voices(string part) => part == "tune" ? ["slt", "rms"] : ["awb", "kal"];

    /// <summary>Sentences cut in two where a speaker might pause to think; 0.8 s of silence goes between the halves.</summary>
    public static (string First, string Second)[] Pauses(string part) => part == "tune"
        ?
        [
            ("I would like to book a table for", "four people tonight"),
            ("my phone number is", "five five five one two three four"),
            ("can you tell me the time and", "the date please"),
            ("I want to go to the", "train station tomorrow morning"),
        ]
        :
        [
            ("please remind me to call my", "mother at six o'clock"),
            ("what is the weather going to be like in", "london this weekend"),
            ("I need a taxi to the airport because", "my flight leaves at noon"),
            ("the order number is", "seven eight nine four"),
        ];

    public static string[] Questions(string part) => part == "tune"
        ? ["what time is it", "what is two plus three", "what are your opening hours", "hello how are you today"]
        : ["what is twelve times seven", "what day is it today", "what is nine minus four", "good morning"];

    /// <summary>(kind, level in dBFS RMS) of the noise-only clips; the held-out part is louder.</summary>
    public static (string Kind, double Dbfs)[] Noises(string part)
    {
        var level = part == "tune" ? -35.0 : -25.0;
        return [("pink", level), ("brown", level), ("white", level), ("hum", level), ("clicks", level), ("babble", level)];
    }

    public static readonly int[] SnrDb = [10, 5, 0];

    public static string[] Backchannels => ["uh huh", "yeah", "okay", "mm hmm"];

    public static string[] Interruptions(string part) => part == "tune" ? ["what time is it", "stop please"] : ["what is two plus two", "wait a moment"];

    /// <summary>A question whose answer (the help text) takes ~12 s to speak, so there is time to talk over it.</summary>
    public const string LongReplyQuestion = "what can you do";

    /// <summary>Voices and sentences mixed quietly into babble (other voices than either part's speakers where possible).</summary>
    public static (string Voice, string Text)[] BabbleVoices =>
    [
        ("espeak:en-us+m3", "the meeting was moved to thursday afternoon"),
        ("espeak:en-gb+f2", "she bought three apples and a loaf of bread"),
        ("espeak:en-us+f4", "we should leave before the traffic gets worse"),
        ("kal16", "the children played in the park until sunset"),
    ];
}
