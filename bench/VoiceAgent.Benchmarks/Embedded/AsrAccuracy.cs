using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Providers.Embedded.Dialogue;
using VoiceAgent.Providers.Embedded.PocketSphinx;
using VoiceAgent.Providers.Embedded.Soxr;

namespace VoiceAgent.Benchmarks.Embedded;

/// <summary>
/// Word error rate of the embedded ASR, per sentence set and voice, at 16 kHz and as 8 kHz telephone audio (µ-law round
/// trip): the generic search, the domain search and the one picked (what the service returns).
/// </summary>
/// <remarks>
/// Sets: questions the dialogue engine answers, paraphrases of them it was not built from, out-of-domain sentences, and
/// real human speech: Debian's pocketsphinx-testdata (five LibriVox readings of Sense and Sensibility, 3–7 s, and
/// "go forward ten meters") and the recordings alsa-utils ships in /usr/share/sounds/alsa (a woman saying "front
/// left" and so on; speaker-test plays them). Synthetic voices: flite's kal, slt, rms and awb, and espeak-ng's en-us
/// and en-gb. Each utterance is decoded exactly as a turn is (the one client, fed in 100 ms reads).
/// </remarks>
public static class AsrAccuracy
{
    public static readonly string[] InDomain =
    [
        "what time is it", "what is the date today", "what day is it", "how are you", "thank you very much",
        "goodbye", "who are you", "what can you do", "are you a robot", "what did i just say", "say that again",
        "what is two plus two", "what is twelve times seven", "hello there", "tell me the time", "what year is it",
    ];

    public static readonly string[] Paraphrases =
    [
        "could you tell me what time it is", "hey what day is it today", "what is the time right now",
        "thanks a lot for your help", "hello how are you doing today", "what is nine minus four please",
        "can you tell me the date", "so what can you do for me", "are you a real person", "good morning to you",
    ];

    public static readonly string[] OutOfDomain =
    [
        "please turn on the kitchen lights", "the weather is nice today", "i would like to book a table for two",
        "play some music", "where is the nearest train station", "my phone battery is almost empty",
        "send an email to my boss", "the meeting starts at nine tomorrow", "how far is the moon from the earth",
        "i need to buy some milk and bread",
    ];

    // Held out: sentences and recordings never looked at while the normalisation and the domain search were tuned
    // (they were added before the first run and only read in the final one). In-domain ones are still questions
    // the dialogue engine answers; the paraphrases and out-of-domain ones are new wording.
    public static readonly string[] InDomainHeldOut =
    [
        "what is the time", "what is today", "who made you", "hello", "what is ten minus three", "what month is it",
        "thanks", "bye", "what is five times six", "can you repeat that",
    ];

    public static readonly string[] ParaphrasesHeldOut =
    [
        "do you know what time it is", "tell me what day it is please", "hi there how is it going",
        "what would you be able to do", "could you say it one more time", "is it monday or tuesday today",
    ];

    public static readonly string[] OutOfDomainHeldOut =
    [
        "the children played in the garden all afternoon", "please call a taxi to the airport",
        "my sister lives in a small town by the sea", "we need more paper for the printer",
        "the shop closes at six on sundays", "open the window it is too warm in here",
    ];

    private static readonly (string Engine, string Voice)[] Voices =
        [("flite", "kal"), ("flite", "slt"), ("flite", "rms"), ("flite", "awb"), ("espeak-ng", "en-us"), ("espeak-ng", "en-gb")];

    private const string TestData = "/usr/share/pocketsphinx/test/data";
    private const string LibriVox = TestData + "/librivox/sense_and_sensibility_01_austen_64kb-";
    private const string AlsaSounds = "/usr/share/sounds/alsa/";

    private static readonly (string Set, string Source, (string File, string Text)[] Files)[] Recordings =
    [
        ("real speech", "pocketsphinx-testdata",
        [
            (LibriVox + "0870.wav", "and mister john dashwood had then leisure to consider how much there might be prudently in his power to do for them"),
            (LibriVox + "0880.wav", "he was not an ill disposed young man"),
            (LibriVox + "0890.wav", "unless to be rather cold hearted and rather selfish is to be ill disposed"),
            (TestData + "/goforward.raw", "go forward ten meters"),
        ]),
        ("real commands", "alsa-utils",
        [
            (AlsaSounds + "Front_Center.wav", "front center"), (AlsaSounds + "Front_Left.wav", "front left"), (AlsaSounds + "Front_Right.wav", "front right"),
            (AlsaSounds + "Rear_Center.wav", "rear center"),
        ]),
        ("real speech (held out)", "pocketsphinx-testdata",
        [
            (LibriVox + "0920.wav", "had he married a more a amiable woman he might have been made still more respectable than he was"),
            (LibriVox + "0930.wav", "he might even have been made amiable himself"),
            (TestData + "/tidigits/dhd.2934z.raw", "two nine three four zero"),
        ]),
        ("real commands (held out)", "alsa-utils",
        [
            (AlsaSounds + "Rear_Left.wav", "rear left"), (AlsaSounds + "Rear_Right.wav", "rear right"),
            (AlsaSounds + "Side_Left.wav", "side left"), (AlsaSounds + "Side_Right.wav", "side right"),
        ]),
    ];

    /// <param name="only">When given, only sets, voices and audio paths whose name contains it (e.g. "espeak", "real", "8 kHz"), or one of several separated by ','.</param>
    public static async Task RunAsync(string? only = null, CancellationToken cancellationToken = default)
    {
        if (PocketSphinxSpeechToTextClient.CheckAvailable() is { } missing)
        {
            Console.WriteLine($"PocketSphinx unavailable: {missing}");
            return;
        }

        var options = Tuned(new PocketSphinxOptions { MaxDecoders = 2 });
        using var client = new PocketSphinxSpeechToTextClient(options, new SoxrResamplerFactory());
        var directory = Directory.CreateTempSubdirectory("va-asr-domain-").FullName;
        var model = new PocketSphinxDomainModelBuilder(NullLogger<PocketSphinxDomainModelBuilder>.Instance)
            .Build(DialoguePhrases.English(new DialogueOptions()), new PocketSphinxOptions().DictionaryPath, directory);
        client.UseDomainModel(model);

        // With the domain model interpolated the generic search has it too: the generic column comes from a client without it.
        using var genericClient = options.DomainInterpolationWeight > 0 && !options.DomainRescoring ? new PocketSphinxSpeechToTextClient(options, new SoxrResamplerFactory()) : null;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"domain model: {model?.Phrases} phrases, {model?.Words} words (guessed: {string.Join(", ", model?.GuessedWords ?? [])}; left out: {string.Join(", ", model?.MissingWords ?? [])})"));
        Console.WriteLine($"load average before: {Percentiles.LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine("| set | voice | audio | utterances | WER generic | WER domain | WER picked |");
        Console.WriteLine("|---|---|---|---|---|---|---|");

        var totals = new Dictionary<(string Set, bool Telephone), Score>();
        foreach (var telephone in new[] { false, true })
        {
            foreach (var (set, sentences) in new[]
                     {
                         ("in-domain", InDomain), ("paraphrase", Paraphrases), ("out-of-domain", OutOfDomain),
                         ("in-domain (held out)", InDomainHeldOut), ("paraphrase (held out)", ParaphrasesHeldOut), ("out-of-domain (held out)", OutOfDomainHeldOut),
                     })
            {
                foreach (var (engine, voice) in VoicesFor(set, telephone))
                {
                    if (!Selected(only, set, $"{engine} {voice}", telephone))
                    {
                        continue;
                    }

                    var items = new List<(string Text, byte[] Audio)>();
                    foreach (var sentence in sentences)
                    {
                        items.Add((sentence, await Speech.SynthesizeAsync(engine, voice, sentence, telephone, cancellationToken)));
                    }

                    var score = await ScoreAsync(client, genericClient, items, telephone, cancellationToken, dump: (set, $"{engine} {voice}"));
                    Report(set, $"{engine} {voice}", telephone, score);
                    totals[(set, telephone)] = totals.GetValueOrDefault((set, telephone)).Add(score);
                }
            }

            foreach (var (set, source, files) in Recordings)
            {
                if (!Selected(only, set, source, telephone))
                {
                    continue;
                }

                if (!files.All(f => File.Exists(f.File)))
                {
                    Console.WriteLine($"(the {set} set needs the Debian package {source})");
                    continue;
                }

                var items = new List<(string Text, byte[] Audio)>();
                foreach (var (file, text) in files)
                {
                    items.Add((text, await Speech.ConvertAsync(file, telephone, cancellationToken)));
                }

                var score = await ScoreAsync(client, genericClient, items, telephone, cancellationToken, dump: (set, source));
                Report(set, source, telephone, score);
                totals[(set, telephone)] = score;

                // The same recordings as the turns of one call (one speaker): from the second on, each starts from the
                // mean the call's earlier turns left.
                var call = await ScoreAsync(client, genericClient, items, telephone, cancellationToken, oneCall: true);
                Report(set + ", one call", source, telephone, call);
                totals[(set + ", one call", telephone)] = call;
            }
        }

        Console.WriteLine();
        Console.WriteLine("| set | audio | utterances | WER generic | WER domain | WER picked |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var ((set, telephone), score) in totals)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {set} | {(telephone ? "8 kHz µ-law" : "16 kHz")} | {score.Utterances} | {score.Generic:F3} | {score.Domain:F3} | {score.Picked:F3} |"));
        }

        Directory.Delete(directory, recursive: true);
    }

    /// <summary>
    /// Decoder settings from <c>VOICEAGENT_BENCH_ASR_OPTIONS</c> for tuning runs: <c>name=value</c> pairs separated by
    /// <c>;</c>, a PocketSphinx option (<c>-beam=1e-60</c>) or one of the weights (<c>LanguageWeight=8</c>). Printed.
    /// </summary>
    public static PocketSphinxOptions Tuned(PocketSphinxOptions options)
    {
        var settings = Environment.GetEnvironmentVariable("VOICEAGENT_BENCH_ASR_OPTIONS") ?? "";
        foreach (var pair in settings.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (name, value) = (pair[..pair.IndexOf('=', StringComparison.Ordinal)], pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            var number = name.StartsWith('-') ? 0 : float.Parse(value, CultureInfo.InvariantCulture);
            switch (name)
            {
                case "LanguageWeight": options.LanguageWeight = number; break;
                case "FwdflatLanguageWeight": options.FwdflatLanguageWeight = number; break;
                case "BestpathLanguageWeight": options.BestpathLanguageWeight = number; break;
                case "WordInsertionPenalty": options.WordInsertionPenalty = number; break;
                case "DomainLanguageWeightFactor": options.DomainLanguageWeightFactor = number; break;
                case "DomainRescoring": options.DomainRescoring = number != 0; break;
                case "DomainInterpolationWeight": options.DomainInterpolationWeight = number; break;
                case "DomainDecoder": options.DomainDecoder = number != 0; break;
                case "DomainScoreMargin": options.DomainScoreMargin = (int)number; break;
                default: options.ExtraArguments[name] = value; break;
            }
        }

        Console.WriteLine($"decoder settings: {(settings.Length == 0 ? "defaults" : settings)}");
        return options;
    }

    /// <summary>
    /// Every voice on the in-domain set at 16 kHz; two contrasting flite voices (kal, the worst, and awb) on the other
    /// sets, and slt over the telephone path: a full matrix took over an hour on the shared machine. Set
    /// <c>VOICEAGENT_BENCH_ALL_VOICES=1</c> for all voices everywhere.
    /// </summary>
    private static (string Engine, string Voice)[] VoicesFor(string set, bool telephone) =>
        Environment.GetEnvironmentVariable("VOICEAGENT_BENCH_ALL_VOICES") == "1" ? Voices
        : telephone ? [("flite", "slt")]
        : set == "in-domain" ? Voices
        : [("flite", "kal"), ("flite", "awb")];

    // Several filters separated by ',' select what any of them selects.
    private static bool Selected(string? only, string set, string voice, bool telephone) =>
        only is null || only.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Any(o => $"{set} | {voice} | {(telephone ? "8 kHz µ-law" : "16 kHz")}".Contains(o, StringComparison.OrdinalIgnoreCase));

    private static void Report(string set, string voice, bool telephone, Score score)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {set} | {voice} | {(telephone ? "8 kHz µ-law" : "16 kHz")} | {score.Utterances} | {score.Generic:F3} | {score.Domain:F3} | {score.Picked:F3} |"));
        foreach (var miss in score.Misses)
        {
            Console.WriteLine($"|  |  |  |  | {miss} | | |");
        }
    }

    /// <summary>
    /// Each utterance as the first turn of its own call (new options: nothing to start from but the turn itself), two
    /// at a time; or with <paramref name="oneCall"/> in order as the turns of one call.
    /// </summary>
    private static async Task<Score> ScoreAsync(
        PocketSphinxSpeechToTextClient client, PocketSphinxSpeechToTextClient? genericClient, List<(string Text, byte[] Audio)> items, bool telephone, CancellationToken cancellationToken,
        bool oneCall = false, (string Set, string Voice)? dump = null)
    {
        var rate = telephone ? 8_000 : 16_000;
        var callOptions = new SpeechToTextOptions { SpeechSampleRate = rate };
        var genericCallOptions = new SpeechToTextOptions { SpeechSampleRate = rate };
        var score = default(Score);
        async Task<(string Text, string Generic, string Domain, string Picked, int GenericScore, int DomainScore, double Seconds)> DecodeAsync((string Text, byte[] Audio) item)
        {
            var options = oneCall ? callOptions : new SpeechToTextOptions { SpeechSampleRate = rate };
            var response = await client.GetTextAsync(new MemoryStream(item.Audio), options, cancellationToken);
            // Only a domain model adds these; every final carries its confidence.
            var generic = genericClient is null
                ? (response.AdditionalProperties?.TryGetValue("generic", out string? g) == true ? g! : response.Text)
                : (await genericClient.GetTextAsync(new MemoryStream(item.Audio), oneCall ? genericCallOptions : new SpeechToTextOptions { SpeechSampleRate = rate }, cancellationToken)).Text;
            var domain = response.AdditionalProperties?.TryGetValue("domain", out string? d) == true ? d! : response.Text;
            var genericScore = response.AdditionalProperties?.TryGetValue("generic_score", out int gs) == true ? gs : 0;
            var domainScore = response.AdditionalProperties?.TryGetValue("domain_score", out int ds) == true ? ds : 0;
            return (item.Text, generic, domain, response.Text, genericScore, domainScore, item.Audio.Length / 2.0 / rate);
        }

        var results = new List<(string Text, string Generic, string Domain, string Picked, int GenericScore, int DomainScore, double Seconds)>();
        if (oneCall)
        {
            foreach (var item in items)
            {
                results.Add(await DecodeAsync(item));
            }
        }
        else
        {
            results.AddRange(await Task.WhenAll(items.Select(DecodeAsync)));
        }

        foreach (var r in results)
        {
            var words = WordErrorRate.Words(r.Text).Count;
            var picked = WordErrorRate.Errors(r.Text, r.Picked);
            score = score.Add(new Score(1, words, WordErrorRate.Errors(r.Text, r.Generic), WordErrorRate.Errors(r.Text, r.Domain), picked,
                picked == 0 ? [] : [$"\"{r.Text}\" → \"{r.Picked}\""]));
            if (dump is { } tag && Environment.GetEnvironmentVariable("VOICEAGENT_BENCH_ASR_DUMP") is { Length: > 0 } path)
            {
                // One line per utterance for choosing the domain score margin offline: picked errors at margin m are the
                // domain errors where domain score − generic score > m, else the generic errors.
                await File.AppendAllTextAsync(path, string.Create(CultureInfo.InvariantCulture,
                    $"{(telephone ? 8 : 16)}\t{tag.Set}\t{tag.Voice}\t{r.Text}\t{words}\t{WordErrorRate.Errors(r.Text, r.Generic)}\t{WordErrorRate.Errors(r.Text, r.Domain)}\t{r.GenericScore}\t{r.DomainScore}\t{r.Seconds:F2}\t{r.Generic}\t{r.Domain}\n"), cancellationToken);
            }
        }

        return score;
    }

    private readonly record struct Score(int Utterances, int Words, int GenericErrors, int DomainErrors, int PickedErrors, IReadOnlyList<string> Misses)
    {
        public double Generic => Words == 0 ? 0 : (double)GenericErrors / Words;

        public double Domain => Words == 0 ? 0 : (double)DomainErrors / Words;

        public double Picked => Words == 0 ? 0 : (double)PickedErrors / Words;

        public Score Add(Score other) => new(
            Utterances + other.Utterances, Words + other.Words, GenericErrors + other.GenericErrors, DomainErrors + other.DomainErrors,
            PickedErrors + other.PickedErrors, [.. Misses ?? [], .. other.Misses ?? []]);
    }
}
