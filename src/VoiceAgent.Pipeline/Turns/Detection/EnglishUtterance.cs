using System.Collections.Frozen;

namespace VoiceAgent.Pipeline.Turns.Detection;

/// <summary>English rules of <see cref="UtteranceText"/>, on lower-case words as a recogniser writes them.</summary>
internal static class EnglishUtterance
{
    // Words after which an English sentence cannot end: conjunctions, prepositions, articles and determiners (not
    // "that", "this" or "her", which end sentences as pronouns: "say that again", "what is this", "call her"),
    // copulas ("my number is"), arithmetic operators, hesitations, and subject pronouns waiting for their verb.
    private static readonly FrozenSet<string> OpenWords = FrozenSet.Create(
        StringComparer.Ordinal,
        "and", "but", "or", "nor", "so", "because", "since", "although", "though", "while", "if", "unless", "until", "than", "whether", "as", "then",
        "to", "for", "of", "in", "on", "at", "by", "with", "from", "about", "into", "onto", "over", "under", "after", "before", "between", "through",
        "during", "without", "within", "near", "per", "via", "across", "around", "against", "toward", "towards", "upon", "like",
        "a", "an", "the", "my", "your", "our", "their", "his", "its", "some", "any", "every", "each", "another",
        "is", "are", "was", "were", "am", "be", "been",
        "plus", "minus", "times", "divided", "multiplied", "equals",
        "um", "uh", "er", "erm", "uhm", "umm", "hmm", "ah",
        "i", "we", "they", "he", "she");

    // "do you", "can you": the question's verb is still to come ("how are you" is complete).
    private static readonly FrozenSet<string> AuxiliariesBeforeYou = FrozenSet.Create(
        StringComparer.Ordinal, "do", "does", "did", "can", "could", "will", "would", "should", "shall", "may", "might", "must");

    private static readonly FrozenSet<string> QuestionStarts = FrozenSet.Create(
        StringComparer.Ordinal,
        "what", "what's", "whats", "when", "where", "where's", "who", "who's", "whom", "whose", "why", "how", "how's", "which",
        "is", "are", "am", "was", "were", "do", "does", "did", "can", "could", "will", "would", "should", "shall", "may", "might", "have", "has");

    private static readonly FrozenSet<string> CommandStarts = FrozenSet.Create(
        StringComparer.Ordinal,
        "please", "tell", "give", "show", "play", "stop", "repeat", "say", "call", "set", "book", "find", "open", "close", "turn", "help",
        "cancel", "read", "spell", "check", "send", "list", "explain", "describe", "start", "pause", "continue", "let's", "calculate", "add");

    // Leading words that do not change what kind of sentence follows ("so what time is it", "okay tell me a joke").
    private static readonly FrozenSet<string> Lead = FrozenSet.Create(
        StringComparer.Ordinal, "um", "uh", "er", "so", "well", "okay", "ok", "oh", "and", "hey", "hi", "hello", "yeah", "yes", "no", "right", "alright", "now", "then");

    // Whole turns of their own: closings and greetings (a greeting waits for the agent's answer, not for more words).
    private static readonly FrozenSet<string> Closings = FrozenSet.Create(
        StringComparer.Ordinal, "thank you", "thanks", "thank you very much", "thanks a lot", "goodbye", "bye", "bye bye", "no thanks", "no thank you", "that's all", "that's it",
        "hello", "hi", "hey", "hello there", "hi there", "good morning", "good afternoon", "good evening", "morning", "good day");

    // Short answers to the agent's questions, whole turns of their own. Without this they would wait the uncertain
    // silence, which is long so that a garbled sentence is not cut at a thinking pause.
    private static readonly FrozenSet<string> Answers = FrozenSet.Create(
        StringComparer.Ordinal,
        "yes", "yeah", "yep", "yup", "no", "nope", "sure", "okay", "ok", "correct", "right", "exactly", "alright", "all right", "fine", "great", "perfect",
        "yes please", "that's right", "that's correct", "sounds good", "of course", "not really", "i'm fine", "i'm good", "not yet", "absolutely");

    private static readonly FrozenSet<string> NumberWords = FrozenSet.Create(
        StringComparer.Ordinal,
        "zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen",
        "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
        "hundred", "thousand", "million", "double", "triple", "point");

    // Words read out one at a time in a phone number, an order number or a code.
    private static readonly FrozenSet<string> Digits = FrozenSet.Create(
        StringComparer.Ordinal, "zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "double", "triple");

    // After these a lone digit is more likely the first of several than the whole answer ("my number is five…").
    private static readonly FrozenSet<string> ReadOutStarts = FrozenSet.Create(
        StringComparer.Ordinal, "is", "was", "number", "code", "pin", "extension", "zip", "postcode", "reference");

    // A number right after one of these is an operand, and the expression may be whole ("twelve times seven").
    private static readonly FrozenSet<string> Operators = FrozenSet.Create(
        StringComparer.Ordinal, "plus", "minus", "times", "by", "over", "divided", "multiplied", "of");

    // Pairs after which the object or the rest is still to come ("I would like", "let me").
    private static readonly FrozenSet<string> OpenPairs = FrozenSet.Create(
        StringComparer.Ordinal, "let me", "i mean", "i want", "i need", "i think", "i guess", "i'd like", "would like", "we need", "we want", "you know", "i'm looking");

    // Openings of requests and statements of details, which people pause inside.
    private static readonly string[] RequestFrames =
    [
        "i would like", "i'd like", "i want", "i need", "we would like", "we'd like", "we want", "we need", "i'm looking for", "i am looking for",
        "i was wondering", "i'm calling", "i am calling", "my name is", "my number is", "my phone number is", "my address is", "my email is",
    ];

    // Said over the agent, these keep it talking: they tell it "go on", not "stop".
    private static readonly FrozenSet<string> BackchannelWords = FrozenSet.Create(
        StringComparer.Ordinal,
        "uh", "huh", "um", "umm", "mm", "mmm", "hmm", "hm", "mhm", "uhm", "ah", "oh", "yeah", "yes", "yep", "yup", "ya", "ok", "okay", "right", "sure",
        "alright", "cool", "nice", "wow", "exactly", "totally", "indeed", "true", "great", "good", "fine", "absolutely", "really", "uh-huh", "mm-hmm");

    private static readonly FrozenSet<string> BackchannelPairs = FrozenSet.Create(
        StringComparer.Ordinal, "i see", "got it", "all right", "that's right", "of course", "makes sense", "go on", "fair enough");

    // Words that carry no request of their own: alone ("but", "you have", "and the"), they are not an interruption, and
    // they are what a recogniser makes of a hum ("uh huh" comes out as "but i have"). Question words and "no" are not here.
    private static readonly FrozenSet<string> FunctionWords = FrozenSet.Create(
        StringComparer.Ordinal,
        "the", "a", "an", "and", "but", "or", "so", "nor", "to", "of", "in", "on", "at", "it", "its", "it's", "as", "if", "than", "then", "there",
        "i", "i'll", "i'm", "i've", "i'd", "you", "you're", "he", "she", "we", "they", "them", "me", "us", "him", "her", "my", "your", "our", "their",
        "have", "has", "had", "do", "does", "did", "is", "are", "was", "were", "be", "am", "been", "that", "this", "well");

    // What the embedded recogniser (PocketSphinx) writes for a backchannel it cannot spell, once function words and
    // single letters are set aside: "uh huh" → "the head", "mm hmm" → "the mum h m m", "hmm" → "they chairman",
    // "mhm" → "the main champ", "sure" → "share", "alright" → "i'll ride", "got it" → "got to it". Heard from flite's
    // slt and rms voices (the benchmark's tune part); only the whole utterance matches, so "head" in a sentence still counts.
    private static readonly FrozenSet<string> MisheardBackchannels = FrozenSet.Create(
        StringComparer.Ordinal, "head", "mum", "chairman", "main champ", "share", "ride", "got");

    public static UtteranceEnding Classify(IReadOnlyList<string> words)
    {
        var last = words[^1];
        var before = words.Count > 1 ? words[^2] : "";
        if (OpenWords.Contains(last) && !(last == "like" && !IsSubjectOrModal(before))
            || (last == "you" && AuxiliariesBeforeYou.Contains(before))
            || OpenPairs.Contains($"{before} {last}")
            || TrailingNumberStillOpen(words))
        {
            return UtteranceEnding.Open;
        }

        var first = 0;
        while (first < words.Count - 1 && Lead.Contains(words[first]))
        {
            first++;
        }

        var body = string.Join(' ', words.Skip(first));
        if (Closings.Contains(body) || Closings.Contains(string.Join(' ', words)) || Answers.Contains(body) || Answers.Contains(string.Join(' ', words)))
        {
            return UtteranceEnding.Complete;
        }

        if (words.Count - first >= 2 && (QuestionStarts.Contains(words[first]) || CommandStarts.Contains(words[first])))
        {
            return UtteranceEnding.Complete;
        }

        return RequestFrames.Any(r => body.StartsWith(r + " ", StringComparison.Ordinal)) ? UtteranceEnding.Request : UtteranceEnding.Neutral;
    }

    /// <summary>
    /// Content words that are not backchannels: what makes speech over the agent an interruption. Backchannels,
    /// hesitations, function words and lone letters (a recogniser spells a hum "h m m") do not count, nor an utterance
    /// that is, word for word, a known mis-hearing of a backchannel.
    /// </summary>
    public static int RealWords(IReadOnlyList<string> words)
    {
        var content = new List<string>(words.Count);
        for (var i = 0; i < words.Count; i++)
        {
            if (i + 1 < words.Count && BackchannelPairs.Contains($"{words[i]} {words[i + 1]}"))
            {
                i++;
                continue;
            }

            var w = words[i];
            if (!BackchannelWords.Contains(w) && !FunctionWords.Contains(w) && (w.Length > 1 || char.IsAsciiDigit(w[0])))
            {
                content.Add(w);
            }
        }

        return content.Count > 0 && MisheardBackchannels.Contains(string.Join(' ', content)) ? 0 : content.Count;
    }

    public static bool IsNumber(string word) => NumberWords.Contains(word) || word.All(char.IsAsciiDigit);

    private static bool IsSubjectOrModal(string word) => word is "i" or "we" or "they" or "you" or "he" or "she" or "would" or "i'd" or "we'd" or "feel" or "feels" or "looks" or "sounds";

    // Digits being read out one by one ("my number is five five", "the code is 4 7") leave the sentence open; a lone number
    // ends it ("a table for four", "what is twelve times seven", "is it open at nine"), and so does a quantity ("twenty
    // five", "one hundred"). A lone digit right after "is" or "number" may be the first of a phone number: still open.
    private static bool TrailingNumberStillOpen(IReadOnlyList<string> words)
    {
        var i = words.Count - 1;
        var digits = 0;
        while (i >= 0 && IsNumber(words[i]))
        {
            if (!IsDigit(words[i]))
            {
                return false;
            }

            digits++;
            i--;
        }

        var before = i >= 0 ? words[i] : "";
        return digits switch
        {
            0 => false,
            1 => ReadOutStarts.Contains(before),
            _ => !Operators.Contains(before),
        };
    }

    private static bool IsDigit(string word) => Digits.Contains(word) || (word.Length == 1 && char.IsAsciiDigit(word[0]));
}
