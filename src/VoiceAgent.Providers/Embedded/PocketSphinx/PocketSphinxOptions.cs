namespace VoiceAgent.Providers.Embedded.PocketSphinx;

/// <summary>Where the PocketSphinx model lives and how the decoders search; defaults are Debian's pocketsphinx-en-us.</summary>
public sealed class PocketSphinxOptions
{
    /// <summary>Debian's model folder (package pocketsphinx-en-us).</summary>
    public const string DebianModelDirectory = "/usr/share/pocketsphinx/model/en-us";

    /// <summary>The acoustic model folder (<c>-hmm</c>).</summary>
    public string HmmPath { get; set; } = Path.Combine(DebianModelDirectory, "en-us");

    /// <summary>The n-gram language model (<c>-lm</c>); ignored when <see cref="GrammarPath"/> or <see cref="KeywordsPath"/> is set.</summary>
    public string LanguageModelPath { get; set; } = Path.Combine(DebianModelDirectory, "en-us.lm.bin");

    /// <summary>The pronunciation dictionary (<c>-dict</c>); a small one makes a grammar decoder far cheaper.</summary>
    public string DictionaryPath { get; set; } = Path.Combine(DebianModelDirectory, "cmudict-en-us.dict");

    /// <summary>A JSGF grammar (<c>-jsgf</c>) for a closed domain vocabulary, instead of the language model.</summary>
    /// <remarks>Accurate and fast on in-grammar speech, but maps out-of-grammar speech onto some grammar phrase.</remarks>
    public string? GrammarPath { get; set; }

    /// <summary>A keyword-spotting list (<c>-kws</c>, one phrase per line with its threshold), instead of the language model.</summary>
    public string? KeywordsPath { get; set; }

    /// <summary>Decoders in the pool, i.e. utterances decoded at once (~91 MiB each with the generic model; a domain model without DomainRescoring adds a second pool of the same size).</summary>
    public int MaxDecoders { get; set; } = Environment.ProcessorCount;

    /// <summary>The flat-lexicon second pass (<c>-fwdflat</c>): more accurate, but most of the end-of-utterance cost.</summary>
    public bool Fwdflat { get; set; } = true;

    /// <summary>The lattice best-path pass (<c>-bestpath</c>) at end of utterance.</summary>
    public bool Bestpath { get; set; } = true;

    /// <summary>
    /// A second search with a language model of the phrases the agent is meant to understand (the dialogue engine's own
    /// phrases, the FAQ patterns and <see cref="Phrases"/>), built at start-up and whenever they change. The final text
    /// comes from whichever of the two searches scores higher. On by default.
    /// </summary>
    public bool DomainModel { get; set; } = true;

    /// <summary>
    /// The flat-lexicon pass for the domain search too. Off by default: with it the end-of-turn CPU time was 2.4 times
    /// the generic search's alone (the pass scores the whole utterance again), without it the same; it cost one word in
    /// 60 on flite kal's in-domain set (WER 0.050 → 0.067). Read at start-up.
    /// </summary>
    public bool DomainFwdflat { get; set; }

    /// <summary>
    /// Instead of a second decoder running the domain model over the same audio, the generic decoder searches its own
    /// word lattice again with the domain model at the end of the turn: half the memory per concurrent turn and no
    /// second search, but the domain path can only use the words the generic search kept, so in-domain accuracy is
    /// lower (README, "Embedded ASR accuracy"). Off by default. Read at start-up.
    /// </summary>
    public bool DomainRescoring { get; set; }

    /// <summary>
    /// The domain model's share when it is also interpolated with the generic model in the generic decoder's search (0 to
    /// 1, exclusive; the generic model gets the rest): every word is scored by both models' probabilities mixed with these
    /// weights. 0 (the default) keeps the generic search generic. Interpolation alone (<see cref="DomainDecoder"/> off) helped
    /// paraphrases but cost in-domain and out-of-domain accuracy on the benchmark (README, "Embedded ASR accuracy"), so it
    /// is off until measured better. Ignored with <see cref="DomainRescoring"/>. Read at start-up.
    /// </summary>
    public float DomainInterpolationWeight { get; set; }

    /// <summary>True when the domain model is interpolated into the generic decoder's search.</summary>
    internal bool InterpolatesDomainModel => DomainInterpolationWeight > 0 && !DomainRescoring;

    /// <summary>
    /// Beside the (interpolated) generic search, a second decoder runs the domain model alone, with only the domain words
    /// in its dictionary, and the better-scoring search's text is taken: exact commands are heard best by a search that
    /// knows no other words. Costs a second decoder per concurrent turn (+49 MiB) and its CPU on the other core. Always
    /// on when <see cref="DomainInterpolationWeight"/> is 0; ignored with <see cref="DomainRescoring"/>. Read at start-up.
    /// </summary>
    public bool DomainDecoder { get; set; } = true;

    /// <summary>True when a second decoder runs the domain model alone.</summary>
    internal bool UsesDomainDecoder => !DomainRescoring && (DomainDecoder || DomainInterpolationWeight <= 0);

    /// <summary>
    /// With the domain decoder: how much higher (in PocketSphinx's log score units, as <c>ps_get_hyp</c> returns them) the domain search's score must be than the generic search's for the domain text to be
    /// taken. 0 takes the better score; a positive margin keeps more turns generic, which is meant for out-of-domain speech
    /// pulled towards domain words. Not used by <see cref="DomainRescoring"/>. Read at start-up.
    /// </summary>
    public int DomainScoreMargin { get; set; }

    /// <summary>
    /// With <see cref="DomainRescoring"/>: how much the domain model's language scores weigh against the generic model's
    /// when the lattice is searched again with it (1: the same weight; lower lets the domain path win more often). language scores weigh than the generic model's when the lattice is searched again
    /// with it (1: the same weight). Above 1 the domain path needs a better language score to win, below 1 less.
    /// </summary>
    public float DomainLanguageWeightFactor { get; set; } = 1f;

    /// <summary>Language weight of the first (tree) pass (<c>-lw</c>, PocketSphinx's default 6.5).</summary>
    public float LanguageWeight { get; set; } = 6.5f;

    /// <summary>Language weight of the flat-lexicon pass (<c>-fwdflatlw</c>, default 8.5).</summary>
    public float FwdflatLanguageWeight { get; set; } = 8.5f;

    /// <summary>Language weight of the lattice best-path pass (<c>-bestpathlw</c>, default 9.5); the domain rescoring uses it too.</summary>
    public float BestpathLanguageWeight { get; set; } = 9.5f;

    /// <summary>Word insertion penalty (<c>-wip</c>, default 0.65): lower means fewer, longer words.</summary>
    public float WordInsertionPenalty { get; set; } = 0.65f;

    /// <summary>
    /// Further PocketSphinx options by name (e.g. <c>"-beam": "1e-60"</c>), for tuning; an unknown option or bad value
    /// makes the decoder fail to load, which start-up reports.
    /// </summary>
    public Dictionary<string, string> ExtraArguments { get; set; } = [];

    /// <summary>Extra phrases for the domain model (whole sentences as people say them; case and punctuation do not matter).</summary>
    public List<string> Phrases { get; set; } = [];

    /// <summary>Where the domain model's files are written; a fresh temporary folder when empty.</summary>
    public string? DomainModelDirectory { get; set; }

    /// <summary>Throws if the options cannot work; file existence is <see cref="PocketSphinxSpeechToTextClient.CheckAvailable"/>'s job.</summary>
    public void Validate()
    {
        if (MaxDecoders < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDecoders), MaxDecoders, "At least one decoder is needed.");
        }

        if (string.IsNullOrWhiteSpace(HmmPath) || string.IsNullOrWhiteSpace(DictionaryPath))
        {
            throw new ArgumentException("HmmPath and DictionaryPath are required.");
        }

        if (GrammarPath is not null && KeywordsPath is not null)
        {
            throw new ArgumentException("Set GrammarPath or KeywordsPath, not both: a decoder runs one search.");
        }

        if (LanguageWeight <= 0 || FwdflatLanguageWeight <= 0 || BestpathLanguageWeight <= 0 || WordInsertionPenalty <= 0 || DomainLanguageWeightFactor <= 0)
        {
            throw new ArgumentException("The language weights, the word insertion penalty and DomainLanguageWeightFactor must be positive.");
        }

        if (DomainInterpolationWeight is < 0 or >= 1 || float.IsNaN(DomainInterpolationWeight))
        {
            throw new ArgumentOutOfRangeException(nameof(DomainInterpolationWeight), DomainInterpolationWeight, "The domain model's interpolation weight must be at least 0 and below 1 (0: a second search instead).");
        }

        if (GrammarPath is null && KeywordsPath is null && string.IsNullOrWhiteSpace(LanguageModelPath))
        {
            throw new ArgumentException("LanguageModelPath is required unless GrammarPath or KeywordsPath is set.");
        }
    }

    /// <summary>The decoder's command-line arguments, as name/value pairs.</summary>
    internal List<string> ToArguments()
    {
        var args = new List<string> { "-hmm", HmmPath, "-dict", DictionaryPath };
        if (GrammarPath is not null)
        {
            args.AddRange(["-jsgf", GrammarPath]);
        }
        else if (KeywordsPath is not null)
        {
            args.AddRange(["-kws", KeywordsPath]);
        }
        else
        {
            args.AddRange(["-lm", LanguageModelPath]);
        }

        args.AddRange(["-fwdflat", Fwdflat ? "yes" : "no", "-bestpath", Bestpath ? "yes" : "no"]);
        args.AddRange([
            "-lw", Number(LanguageWeight), "-fwdflatlw", Number(FwdflatLanguageWeight), "-bestpathlw", Number(BestpathLanguageWeight),
            "-wip", Number(WordInsertionPenalty)]);
        foreach (var (name, value) in ExtraArguments)
        {
            args.AddRange([name.StartsWith('-') ? name : "-" + name, value]);
        }

        return args;
    }

    private static string Number(float value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The model's initial cepstral mean (<c>-cmninit</c> in its <c>feat.params</c>), or empty if it names none.</summary>
    internal IReadOnlyList<float> InitialCepstralMean()
    {
        var featParams = Path.Combine(HmmPath, "feat.params");
        if (!File.Exists(featParams))
        {
            return [];
        }

        foreach (var line in File.ReadLines(featParams))
        {
            var parts = line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts is ["-cmninit", var values])
            {
                return values.Split(',').Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            }
        }

        return [];
    }

    /// <summary>A copy (later changes to this instance do not reach a client built from it).</summary>
    internal PocketSphinxOptions Clone() => new()
    {
        HmmPath = HmmPath,
        LanguageModelPath = LanguageModelPath,
        DictionaryPath = DictionaryPath,
        GrammarPath = GrammarPath,
        KeywordsPath = KeywordsPath,
        MaxDecoders = MaxDecoders,
        Fwdflat = Fwdflat,
        Bestpath = Bestpath,
        DomainModel = DomainModel,
        DomainFwdflat = DomainFwdflat,
        DomainRescoring = DomainRescoring,
        DomainLanguageWeightFactor = DomainLanguageWeightFactor,
        DomainInterpolationWeight = DomainInterpolationWeight,
        DomainDecoder = DomainDecoder,
        DomainScoreMargin = DomainScoreMargin,
        LanguageWeight = LanguageWeight,
        FwdflatLanguageWeight = FwdflatLanguageWeight,
        BestpathLanguageWeight = BestpathLanguageWeight,
        WordInsertionPenalty = WordInsertionPenalty,
        ExtraArguments = new Dictionary<string, string>(ExtraArguments),
        Phrases = [.. Phrases],
        DomainModelDirectory = DomainModelDirectory,
    };
}
