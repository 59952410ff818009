using System.Runtime.InteropServices;

namespace VoiceAgent.Providers.Embedded.PocketSphinx;

/// <summary>
/// The domain language model inside one decoder's only search: the generic model and the domain model linearly
/// interpolated (<c>ngram_model_set_init</c> with weights), so every word of every utterance gets the domain model's help
/// where its phrasing fits and the generic model's where it does not.
/// </summary>
/// <remarks>
/// Against a second decoder running the domain model alone and picking by score, one search sees both models at each
/// word: a paraphrase that is half domain phrasing and half not can still win, and out-of-domain speech keeps the generic
/// model's probabilities (scaled by its weight). The interpolated set is a named search beside the generic one, which
/// stays loaded so that unloading the model needs no re-read; the decoder switches between them between utterances.
/// </remarks>
internal sealed unsafe class PocketSphinxDomainInterpolation
{
    private const string SearchName = "interpolated";

    private readonly PocketSphinxDecoderHandle _decoder;
    private readonly float _domainWeight;
    private readonly float _languageWeight;
    private readonly string _genericSearch;
    private readonly HashSet<string> _addedWords = new(StringComparer.Ordinal);

    public PocketSphinxDomainInterpolation(PocketSphinxDecoderHandle decoder, float domainWeight, float languageWeight)
    {
        _decoder = decoder;
        _domainWeight = domainWeight;
        _languageWeight = languageWeight;
        // The search the decoder was made with (PocketSphinx names it "_default").
        _genericSearch = Marshal.PtrToStringUTF8(NativeMethods.ps_get_search(decoder)) ?? "_default";
    }

    /// <summary>The domain model loaded now, or null.</summary>
    public PocketSphinxDomainModel? Model { get; private set; }

    /// <summary>
    /// Makes the interpolation of the generic model and <paramref name="model"/> the decoder's search (between
    /// utterances only); null goes back to the generic search. Throws <see cref="InvalidOperationException"/> if
    /// PocketSphinx refuses the files, and the generic search is then the current one.
    /// </summary>
    public void Use(PocketSphinxDomainModel? model)
    {
        if (ReferenceEquals(model, Model))
        {
            return;
        }

        Model = null;
        Check(NativeMethods.ps_set_search(_decoder, _genericSearch), "ps_set_search");
        _ = NativeMethods.ps_unset_search(_decoder, SearchName);
        if (model is null)
        {
            return;
        }

        var generic = NativeMethods.ps_get_lm(_decoder, _genericSearch);
        if (generic == nint.Zero)
        {
            throw new InvalidOperationException("PocketSphinx's generic search has no language model.");
        }

        PocketSphinxDomainRescorer.AddGuessedWords(_decoder, model, _addedWords, generic);
        var config = NativeMethods.ps_get_config(_decoder);
        var domain = NativeMethods.ngram_model_read(config, model.LanguageModelPath, fileType: 0, NativeMethods.ps_get_logmath(_decoder));
        if (domain == nint.Zero)
        {
            throw new InvalidOperationException($"PocketSphinx could not read the domain model {model.LanguageModelPath}.");
        }

        nint set;
        try
        {
            set = Interpolate(config, generic, domain);
        }
        finally
        {
            // The set holds its own reference (or the read failed): ours goes.
            _ = NativeMethods.ngram_model_free(domain);
        }

        try
        {
            Check(NativeMethods.ps_set_lm(_decoder, SearchName, set), "ps_set_lm");
        }
        finally
        {
            // The search holds its own reference to the set.
            _ = NativeMethods.ngram_model_free(set);
        }

        Check(NativeMethods.ps_set_search(_decoder, SearchName), "ps_set_search");
        Model = model;
    }

    private nint Interpolate(nint config, nint generic, nint domain)
    {
        var models = stackalloc nint[2] { generic, domain };
        // The set mixes the models' scores after each was raised to the language weight (p^lw), and adds its own weights
        // unscaled: given as w^lw they weigh as much as w would in a mix of the plain probabilities (checked: 0.5/0.5
        // unscaled let the generic model's words through almost as if it were alone).
        var weights = stackalloc float[2] { MathF.Pow(1f - _domainWeight, _languageWeight), MathF.Pow(_domainWeight, _languageWeight) };
        var genericName = "generic\0"u8;
        var domainName = "domain\0"u8;
        fixed (byte* g = genericName, d = domainName)
        {
            var names = stackalloc byte*[2] { g, d };
            var set = NativeMethods.ngram_model_set_init(config, models, names, weights, 2);
            return set != nint.Zero ? set : throw new InvalidOperationException("PocketSphinx could not interpolate the generic and domain models.");
        }
    }

    private static void Check(int result, string function)
    {
        if (result < 0)
        {
            throw new InvalidOperationException($"PocketSphinx {function} failed ({result}) while loading the interpolated domain model.");
        }
    }
}
