namespace VoiceAgent.Benchmarks.TurnTaking;

/// <summary>
/// The texts and voices of the turn-taking sets. Three disjoint parts: <c>tune</c> (flite slt and rms) for looking at
/// while choosing settings; <c>heldout</c> (flite awb and kal, other sentences, other noise levels), never tuned on but
/// seen in the reports of runs 1–3; and <c>fresh</c> (flite rms and kal16, new sentences, backchannels and levels),
/// written before run 4 and first played in it; and <c>unseen</c> (flite awb and slt, new sentences, backchannels and
/// levels), written before any change of run 5 and first played in run 5's final run.
/// </summary>
public static class TurnSets
{
    public static readonly string[] Parts = ["tune", "heldout", "fresh", "unseen"];

    public static string[] Voices(string part) => part switch { "tune" => ["slt", "rms"], "heldout" => ["awb", "kal"], "unseen" => ["awb", "slt"], _ => ["rms", "kal16"] };

    /// <summary>Sentences cut in two where a speaker might pause to think; 0.8 s of silence goes between the halves.</summary>
    public static (string First, string Second)[] Pauses(string part) => part switch
    {
        "tune" =>
        [
            ("I would like to book a table for", "four people tonight"),
            ("my phone number is", "five five five one two three four"),
            ("can you tell me the time and", "the date please"),
            ("I want to go to the", "train station tomorrow morning"),
        ],
        "heldout" =>
        [
            ("please remind me to call my", "mother at six o'clock"),
            ("what is the weather going to be like in", "london this weekend"),
            ("I need a taxi to the airport because", "my flight leaves at noon"),
            ("the order number is", "seven eight nine four"),
        ],
        "unseen" =>
        [
            ("please book me a flight to", "new york on friday"),
            ("my account number is", "four four two one"),
            ("I was thinking that maybe", "we could meet on monday"),
            ("send a message to", "my brother saying I am late"),
        ],
        _ =>
        [
            ("could you send the invoice to", "my office address"),
            ("I would like to order a pizza with", "extra cheese and olives"),
            ("the meeting starts at", "half past nine tomorrow"),
            ("remind me to buy milk and", "some fresh bread"),
        ],
    };

    public static string[] Questions(string part) => part switch
    {
        "tune" => ["what time is it", "what is two plus three", "what are your opening hours", "hello how are you today"],
        "heldout" => ["what is twelve times seven", "what day is it today", "what is nine minus four", "good morning"],
        "unseen" => ["what is the date today", "how far is the station", "what is five plus six", "good afternoon"],
        _ => ["what is the capital of france", "how much does it cost", "what is eight plus one", "good evening"],
    };

    /// <summary>(kind, level in dBFS RMS) of the noise-only clips; the held-out part is louder.</summary>
    public static (string Kind, double Dbfs)[] Noises(string part)
    {
        var level = part switch { "tune" => -35.0, "heldout" => -25.0, "unseen" => -28.0, _ => -30.0 };
        return [("pink", level), ("brown", level), ("white", level), ("hum", level), ("clicks", level), ("babble", level)];
    }

    /// <summary>The part's noise-only clips at their levels, labelled as the probes print them.</summary>
    public static List<(string Label, Clip Clip)> NoiseClips(string part, Dictionary<string, Clip> noises) =>
        [.. Noises(part).Select(n => ($"noise {n.Kind} {n.Dbfs} dBFS", noises[n.Kind].AtLevel(n.Dbfs)))];

    public static readonly int[] SnrDb = [10, 5, 0];

    public static string[] Backchannels(string part) => part switch
    {
        "fresh" => ["right", "mhm", "i see", "yep"],
        "unseen" => ["sure", "mm hmm", "uh huh", "yes"],
        _ => ["uh huh", "yeah", "okay", "mm hmm"],
    };

    public static string[] Interruptions(string part) => part switch
    {
        "tune" => ["what time is it", "stop please"],
        "heldout" => ["what is two plus two", "wait a moment"],
        "unseen" => ["what is the time in tokyo", "no stop"],
        _ => ["hold on a second", "can you repeat that"],
    };

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
