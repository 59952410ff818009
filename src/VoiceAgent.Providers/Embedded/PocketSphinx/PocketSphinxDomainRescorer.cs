using System.Runtime.InteropServices;

namespace VoiceAgent.Providers.Embedded.PocketSphinx;

/// <summary>
/// The domain language model inside one decoder: at the end of a turn the generic search's word lattice is searched
/// again for its best path under the domain model, and that path competes with the generic one on score.
/// </summary>
/// <remarks>
/// This replaces a second decoder that ran the domain model over the same audio (~91 MiB and a second search per turn):
/// the domain model is loaded into the generic decoder as a named search that is never switched to (PocketSphinx maps
/// the decoder's dictionary onto its words there), and only its language model set is used, by
/// <c>ps_lattice_bestpath</c>. Both paths run over the same lattice with the same acoustic scores, so their path scores
/// differ only in the language model: the domain path wins where the turn is one of its phrases, the generic one where
/// a word is outside the domain model (an unknown word scores PocketSphinx's log-zero). The cost is that the domain
/// path can only use words and word boundaries the generic search kept in its lattice.
/// The path score is not in the public API: it is read from <c>ps_latlink_t</c> (Debian's pocketsphinx 5prealpha,
/// <c>ps_lattice_internal.h</c>: three pointers, then <c>ascr</c> and <c>path_scr</c>), and every other field of the
/// layout that the public accessors also return is compared first, so a different build is refused, not misread.
/// </remarks>
internal sealed unsafe class PocketSphinxDomainRescorer
{
    private const string SearchName = "domain";
    private const int FromOffset = 0;
    private const int ToOffset = 8;
    private const int BestPreviousOffset = 16;
    private const int AcousticScoreOffset = 24;
    private const int PathScoreOffset = 28;

    // ps_latlink_prob returns the acoustic score shifted up by SENSCR_SHIFT (10 in this build); the field is unshifted.
    private const int ScoreShift = 10;

    // Posterior scaling only (-ascale's default, 20); the path scores do not depend on it.
    private const float AcousticScale = 1f / 20f;

    private readonly PocketSphinxDecoderHandle _decoder;
    private readonly float _bestpathWeightRatio;
    private readonly float _domainWeight;
    private readonly HashSet<string> _addedWords = new(StringComparer.Ordinal);
    private nint _domainModel;

    public PocketSphinxDomainRescorer(PocketSphinxDecoderHandle decoder, PocketSphinxOptions options)
    {
        _decoder = decoder;

        // What the decoder's own best-path pass weighs language scores by (-bestpathlw / -lw, as ngram_search does).
        _bestpathWeightRatio = options.BestpathLanguageWeight / options.LanguageWeight;
        _domainWeight = options.DomainLanguageWeightFactor;
    }

    /// <summary>The domain model loaded now, or null.</summary>
    public PocketSphinxDomainModel? Model { get; private set; }

    /// <summary>
    /// Loads <paramref name="model"/> (between utterances only): its guessed words join the decoder's dictionary and the
    /// generic model's vocabulary (so the generic search can put them in its lattice), then its n-grams as a search.
    /// Null unloads. Throws <see cref="InvalidOperationException"/> if PocketSphinx refuses the files.
    /// </summary>
    public void Use(PocketSphinxDomainModel? model)
    {
        if (ReferenceEquals(model, Model))
        {
            return;
        }

        Model = null;
        if (_domainModel != nint.Zero)
        {
            _domainModel = nint.Zero;
            _ = NativeMethods.ps_unset_search(_decoder, SearchName);
        }

        if (model is null)
        {
            return;
        }

        AddGuessedWords(_decoder, model, _addedWords, GenericModel());
        if (NativeMethods.ps_set_lm_file(_decoder, SearchName, model.LanguageModelPath) < 0)
        {
            throw new InvalidOperationException($"PocketSphinx could not load the domain model {model.LanguageModelPath}.");
        }

        _domainModel = NativeMethods.ps_get_lm(_decoder, SearchName);
        if (_domainModel == nint.Zero)
        {
            throw new InvalidOperationException("PocketSphinx loaded the domain model but returned no language model for it.");
        }

        Model = model;
    }

    /// <summary>
    /// After <c>ps_end_utt</c>, and after the generic hypothesis and its words were copied (this rewrites the lattice's
    /// best path): both paths' scores and the domain path's words, or null without a domain model or a lattice.
    /// </summary>
    public (int GenericScore, PocketSphinxHypothesis Domain, List<(string Word, int StartFrame, int EndFrame)> Words)? Rescore()
    {
        if (_domainModel == nint.Zero)
        {
            return null;
        }

        var lattice = NativeMethods.ps_get_lattice(_decoder);
        if (lattice == nint.Zero)
        {
            return null;
        }

        var genericModel = GenericModel();
        var generic = NativeMethods.ps_lattice_bestpath(lattice, genericModel, _bestpathWeightRatio, AcousticScale);
        if (generic == nint.Zero)
        {
            return null;
        }

        var genericScore = PathScore(generic);
        var domain = NativeMethods.ps_lattice_bestpath(lattice, _domainModel, _bestpathWeightRatio * _domainWeight, AcousticScale);
        if (domain == nint.Zero)
        {
            return null;
        }

        var words = Path(lattice, domain);
        return (genericScore, new PocketSphinxHypothesis(string.Join(' ', words.Select(w => w.Word)), PathScore(domain)), words);
    }

    private nint GenericModel()
    {
        var name = Marshal.PtrToStringUTF8(NativeMethods.ps_get_search(_decoder))
            ?? throw new InvalidOperationException("PocketSphinx has no current search.");
        var model = NativeMethods.ps_get_lm(_decoder, name);
        return model != nint.Zero ? model : throw new InvalidOperationException("PocketSphinx's current search has no language model.");
    }

    /// <summary>
    /// Adds the model's guessed words (not yet in <paramref name="added"/>) to the decoder's dictionary and to
    /// <paramref name="genericModel"/>'s vocabulary, so the generic search can hear them too.
    /// </summary>
    internal static void AddGuessedWords(PocketSphinxDecoderHandle decoder, PocketSphinxDomainModel model, HashSet<string> added, nint genericModel)
    {
        if (model.GuessedWords.Count == 0)
        {
            return;
        }

        var guessed = model.GuessedWords.ToHashSet(StringComparer.Ordinal);
        var pronunciations = new List<(string Word, string BaseWord, string Phones)>();
        foreach (var line in File.ReadLines(model.DictionaryPath))
        {
            var parts = line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length != 2)
            {
                continue;
            }

            var paren = parts[0].IndexOf('(', StringComparison.Ordinal);
            var baseWord = paren > 0 ? parts[0][..paren] : parts[0];
            if (guessed.Contains(baseWord) && added.Add(parts[0]))
            {
                pronunciations.Add((parts[0], baseWord, parts[1]));
            }
        }

        for (var i = 0; i < pronunciations.Count; i++)
        {
            var (word, baseWord, phones) = pronunciations[i];

            // A word the generic model lacks never reaches its lattice: give it the uniform unigram probability first.
            if (NativeMethods.ngram_wid(genericModel, baseWord) == NativeMethods.ngram_unknown_wid(genericModel))
            {
                _ = NativeMethods.ngram_model_add_word(genericModel, baseWord, 1f);
            }

            // Rebuilding the searches (the generic lexicon tree) once, after the last word, not once per word.
            if (NativeMethods.ps_add_word(decoder, word, phones, update: i == pronunciations.Count - 1 ? 1 : 0) < 0)
            {
                throw new InvalidOperationException($"PocketSphinx refused the guessed pronunciation of \"{word}\": {phones}.");
            }
        }
    }

    /// <summary>The words of the path ending in <paramref name="last"/>, first to last, as the decoder's <c>Words</c> gives them.</summary>
    private static List<(string Word, int StartFrame, int EndFrame)> Path(nint lattice, nint last)
    {
        var words = new List<(string Word, int StartFrame, int EndFrame)>();
        int? origin = null;
        var links = new List<nint>();
        for (var link = last; link != nint.Zero; link = NativeMethods.ps_latlink_pred(link))
        {
            CheckLayout(lattice, link);
            links.Add(link);
        }

        links.Reverse();
        foreach (var link in links)
        {
            var endFrame = NativeMethods.ps_latlink_times(link, out var start);
            origin ??= start;
            Add(words, Marshal.PtrToStringUTF8(NativeMethods.ps_latlink_word(lattice, link)), start - origin.Value, endFrame - origin.Value);
        }

        // The path ends in the lattice's final node: </s>, or the best word exit of the last frame when no </s> was there.
        var final = NativeMethods.ps_latlink_nodes(last, out _);
        var finalStart = NativeMethods.ps_latnode_times(final, out _, out var finalEnd);
        Add(words, Marshal.PtrToStringUTF8(NativeMethods.ps_latnode_word(lattice, final)), finalStart - (origin ?? 0), finalEnd - (origin ?? 0));

        return words;
    }

    private static void Add(List<(string Word, int StartFrame, int EndFrame)> words, string? word, int start, int end)
    {
        if (PocketSphinxDecoder.SpokenWord(word) is { } spoken)
        {
            words.Add((spoken, start, end));
        }
    }

    private static int PathScore(nint link) => *(int*)((byte*)link + PathScoreOffset);

    private static void CheckLayout(nint lattice, nint link)
    {
        var to = NativeMethods.ps_latlink_nodes(link, out var from);
        _ = NativeMethods.ps_latlink_prob(lattice, link, out var acousticScore);
        var p = (byte*)link;
        if (*(nint*)(p + FromOffset) != from || *(nint*)(p + ToOffset) != to
            || *(nint*)(p + BestPreviousOffset) != NativeMethods.ps_latlink_pred(link) || (*(int*)(p + AcousticScoreOffset) << ScoreShift) != acousticScore)
        {
            throw new InvalidOperationException(
                "This pocketsphinx's lattice layout is not the one VoiceAgent was built for (Debian 0.8+5prealpha): cannot read path scores.");
        }
    }
}
