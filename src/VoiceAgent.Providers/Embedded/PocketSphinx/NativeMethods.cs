using System.Runtime.InteropServices;

namespace VoiceAgent.Providers.Embedded.PocketSphinx;

/// <summary>P/Invoke declarations for PocketSphinx 5prealpha (Debian libpocketsphinx3) and sphinxbase (libsphinxbase3).</summary>
/// <remarks>
/// Versioned library names, so only the runtime packages are needed. Every pointer stays inside this folder:
/// the handles wrap them and <see cref="PocketSphinxDecoder"/> is their only user.
/// </remarks>
internal static partial class NativeMethods
{
    internal const string PocketSphinxLibrary = "libpocketsphinx.so.3";
    internal const string SphinxBaseLibrary = "libsphinxbase.so.3";

    /// <summary>The decoder's argument definitions (static data inside the library; never freed).</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_args")]
    internal static partial nint ps_args();

    /// <summary>
    /// Parses name/value pairs into a config. <c>cmd_ln_init</c> is variadic and cannot be called from C#.
    /// Option names are kept by pointer: <paramref name="argv"/> must outlive the config.
    /// </summary>
    [LibraryImport(SphinxBaseLibrary, EntryPoint = "cmd_ln_parse_r")]
    internal static unsafe partial nint cmd_ln_parse_r(nint inoutCmdln, nint definitions, int argc, nint* argv, int strict);

    /// <summary>Drops one reference to a config; returns the new reference count.</summary>
    [LibraryImport(SphinxBaseLibrary, EntryPoint = "cmd_ln_free_r")]
    internal static partial int cmd_ln_free_r(nint cmdln);

    /// <summary>Sends the library's log to a <c>FILE*</c>, or turns logging off with zero. Process-wide.</summary>
    [LibraryImport(SphinxBaseLibrary, EntryPoint = "err_set_logfp")]
    internal static partial void err_set_logfp(nint stream);

    /// <summary>Creates a decoder; it takes its own reference on <paramref name="config"/>. Zero on failure.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_init")]
    internal static partial nint ps_init(PocketSphinxConfigHandle config);

    /// <summary>Drops one reference to a decoder; returns the new reference count.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_free")]
    internal static partial int ps_free(nint decoder);

    /// <summary>
    /// Starts a new audio stream: resets the front end's noise estimate (spectral subtraction), which
    /// <c>ps_start_utt</c> keeps, so without this one utterance's audio changes the next one's features.
    /// </summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_start_stream")]
    internal static partial int ps_start_stream(PocketSphinxDecoderHandle decoder);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_start_utt")]
    internal static partial int ps_start_utt(PocketSphinxDecoderHandle decoder);

    /// <summary>Feeds samples; returns the number of frames searched, or &lt; 0 on error.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_process_raw")]
    internal static unsafe partial int ps_process_raw(PocketSphinxDecoderHandle decoder, short* data, nuint samples, int noSearch, int fullUtterance);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_end_utt")]
    internal static partial int ps_end_utt(PocketSphinxDecoderHandle decoder);

    /// <summary>
    /// The best hypothesis so far, or zero. The string belongs to the decoder: it must be imported as a pointer and
    /// copied; a <c>string</c> return would make the marshaller free it (double free, process abort).
    /// </summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_get_hyp")]
    internal static partial nint ps_get_hyp(PocketSphinxDecoderHandle decoder, out int bestScore);

    /// <summary>
    /// An iterator over the words of the best hypothesis, or zero. Newer headers drop the score argument; passing a valid
    /// pointer is harmless to a one-argument build (the extra register is ignored), so this works with either.
    /// </summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_seg_iter")]
    internal static partial nint ps_seg_iter(PocketSphinxDecoderHandle decoder, out int bestScore);

    /// <summary>Moves to the next word; at the end it frees the iterator itself and returns zero.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_seg_next")]
    internal static partial nint ps_seg_next(nint segment);

    /// <summary>The word (decoder-owned, so a pointer to copy, as for <see cref="ps_get_hyp"/>).</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_seg_word")]
    internal static partial nint ps_seg_word(nint segment);

    /// <summary>The word's first and last frame (100 frames a second with the default <c>-frate</c>).</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_seg_frames")]
    internal static partial void ps_seg_frames(nint segment, out int startFrame, out int endFrame);

    /// <summary>
    /// The log posterior probability of the final hypothesis (the decoder's log base), computed from the lattice by the
    /// best-path pass (<c>-bestpath yes</c>) after <c>ps_end_utt</c>; 0 (probability 1) when there is no lattice.
    /// </summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_get_prob")]
    internal static partial int ps_get_prob(PocketSphinxDecoderHandle decoder);

    /// <summary>The word's log posterior (from the lattice, after the final pass), and its acoustic and language scores.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_seg_prob")]
    internal static partial int ps_seg_prob(nint segment, out int acousticScore, out int languageScore, out int languageBackoff);

    /// <summary>The decoder's log arithmetic (decoder-owned): turns its integer log scores into natural logs, and a language model read for the decoder must use it.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_get_logmath")]
    internal static partial nint ps_get_logmath(PocketSphinxDecoderHandle decoder);

    [LibraryImport(SphinxBaseLibrary, EntryPoint = "logmath_log_to_ln")]
    internal static partial double logmath_log_to_ln(nint logmath, int logValue);

    /// <summary>The decoder's feature computation (<c>feat_t*</c>), owned by the decoder; its CMN state lives inside it.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_get_feat")]
    internal static partial nint ps_get_feat(PocketSphinxDecoderHandle decoder);

    /// <summary>The decoder's config (decoder-owned; not retained).</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_get_config")]
    internal static partial nint ps_get_config(PocketSphinxDecoderHandle decoder);

    /// <summary>A feature front end (MFCC) with the decoder's own parameters; it retains <paramref name="config"/>.</summary>
    [LibraryImport(SphinxBaseLibrary, EntryPoint = "fe_init_auto_r")]
    internal static partial nint fe_init_auto_r(nint config);

    [LibraryImport(SphinxBaseLibrary, EntryPoint = "fe_free")]
    internal static partial int fe_free(nint frontEnd);

    /// <summary>Resets the front end's noise estimate, like <see cref="ps_start_stream"/> does for a decoder's.</summary>
    [LibraryImport(SphinxBaseLibrary, EntryPoint = "fe_start_stream")]
    internal static partial void fe_start_stream(PocketSphinxFrontEndHandle frontEnd);

    [LibraryImport(SphinxBaseLibrary, EntryPoint = "fe_start_utt")]
    internal static partial int fe_start_utt(PocketSphinxFrontEndHandle frontEnd);

    /// <summary>Cepstra of the samples: advances <paramref name="samples"/> and <paramref name="sampleCount"/> past what it used.</summary>
    [LibraryImport(SphinxBaseLibrary, EntryPoint = "fe_process_frames")]
    internal static unsafe partial int fe_process_frames(
        PocketSphinxFrontEndHandle frontEnd, short** samples, nuint* sampleCount, float** cepstra, int* frameCount, int* frameIndex);

    /// <summary>Flushes the last partial frame into <paramref name="cepstrum"/> (one vector); <paramref name="frameCount"/> says whether it did.</summary>
    [LibraryImport(SphinxBaseLibrary, EntryPoint = "fe_end_utt")]
    internal static unsafe partial int fe_end_utt(PocketSphinxFrontEndHandle frontEnd, float* cepstrum, int* frameCount);

    /// <summary>
    /// Loads an n-gram file as a named search of <paramref name="decoder"/> without switching to it; a search of the same
    /// name is replaced and freed. The search maps the decoder's whole dictionary onto the model's words.
    /// </summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_set_lm_file", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ps_set_lm_file(PocketSphinxDecoderHandle decoder, string name, string path);

    /// <summary>The named search's language model set (decoder-owned, word ids mapped to the decoder's dictionary), or zero.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_get_lm", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint ps_get_lm(PocketSphinxDecoderHandle decoder, string name);

    /// <summary>The current search's name (decoder-owned).</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_get_search")]
    internal static partial nint ps_get_search(PocketSphinxDecoderHandle decoder);

    /// <summary>Removes and frees a named search.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_unset_search", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ps_unset_search(PocketSphinxDecoderHandle decoder, string name);

    /// <summary>Adds a word and its phones to the decoder's dictionary; with <paramref name="update"/> the searches are rebuilt. The word id, or &lt; 0.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_add_word", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ps_add_word(PocketSphinxDecoderHandle decoder, string word, string phones, int update);

    /// <summary>The word lattice of the last utterance (owned by the search; valid until the next utterance starts), or zero.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_get_lattice")]
    internal static partial nint ps_get_lattice(PocketSphinxDecoderHandle decoder);

    /// <summary>
    /// Best path through <paramref name="lattice"/> under <paramref name="languageModel"/> (its language scores times
    /// <paramref name="languageWeightRatio"/>); returns the path's last link (lattice-owned), or zero. Rewrites every link's
    /// path score and predecessor, so a path read earlier from the lattice must be copied first.
    /// </summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_lattice_bestpath")]
    internal static partial nint ps_lattice_bestpath(nint lattice, nint languageModel, float languageWeightRatio, float acousticScale);

    /// <summary>A link's word, i.e. its source node's (lattice-owned string).</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_latlink_word")]
    internal static partial nint ps_latlink_word(nint lattice, nint link);

    /// <summary>A link's last frame; <paramref name="startFrame"/> gets its word's first.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_latlink_times")]
    internal static partial int ps_latlink_times(nint link, out short startFrame);

    /// <summary>A node's word (lattice-owned string).</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_latnode_word")]
    internal static partial nint ps_latnode_word(nint lattice, nint node);

    /// <summary>A node's first frame; <paramref name="firstEnd"/> and <paramref name="lastEnd"/> get its earliest and latest end frames.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_latnode_times")]
    internal static partial int ps_latnode_times(nint node, out short firstEnd, out short lastEnd);

    /// <summary>The link's destination node; <paramref name="source"/> gets its source node.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_latlink_nodes")]
    internal static partial nint ps_latlink_nodes(nint link, out nint source);

    /// <summary>The link before this one on the best path found last, or zero at the start.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_latlink_pred")]
    internal static partial nint ps_latlink_pred(nint link);

    /// <summary>The link's posterior (meaningless here) and, in <paramref name="acousticScore"/>, its acoustic score.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_latlink_prob")]
    internal static partial int ps_latlink_prob(nint lattice, nint link, out int acousticScore);

    /// <summary>The model's id for a word, or <see cref="ngram_unknown_wid"/>'s value if it does not know it.</summary>
    [LibraryImport(SphinxBaseLibrary, EntryPoint = "ngram_wid", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ngram_wid(nint model, string word);

    [LibraryImport(SphinxBaseLibrary, EntryPoint = "ngram_unknown_wid")]
    internal static partial int ngram_unknown_wid(nint model);

    /// <summary>Adds a unigram (weight 1: the uniform probability); returns its id, or -1.</summary>
    [LibraryImport(SphinxBaseLibrary, EntryPoint = "ngram_model_add_word", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ngram_model_add_word(nint model, string word, float weight);

    /// <summary>
    /// Makes <paramref name="languageModel"/> a named n-gram search of <paramref name="decoder"/> (it takes its own
    /// reference; a search of the same name is replaced and freed) without switching to it. 0, or &lt; 0 on failure.
    /// </summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_set_lm", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ps_set_lm(PocketSphinxDecoderHandle decoder, string name, nint languageModel);

    /// <summary>Makes the named search the one the next utterance uses (between utterances only). 0, or &lt; 0 if there is none.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_set_search", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ps_set_search(PocketSphinxDecoderHandle decoder, string name);

    /// <summary>Reads an n-gram file (ARPA or binary, told apart by <paramref name="fileType"/> 0 = auto) for <paramref name="logMath"/>; zero on failure.</summary>
    [LibraryImport(SphinxBaseLibrary, EntryPoint = "ngram_model_read", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint ngram_model_read(nint config, string path, int fileType, nint logMath);

    /// <summary>
    /// A set of language models; with <paramref name="weights"/> (probabilities summing to 1) their probabilities are
    /// linearly interpolated, a word one model lacks getting only the others' share. Retains each model. Zero on failure.
    /// </summary>
    [LibraryImport(SphinxBaseLibrary, EntryPoint = "ngram_model_set_init")]
    internal static unsafe partial nint ngram_model_set_init(nint config, nint* models, byte** names, float* weights, int count);

    /// <summary>Takes one more reference on a language model.</summary>
    [LibraryImport(SphinxBaseLibrary, EntryPoint = "ngram_model_retain")]
    internal static partial nint ngram_model_retain(nint model);

    /// <summary>Drops one reference on a language model; returns the references left (0: freed).</summary>
    [LibraryImport(SphinxBaseLibrary, EntryPoint = "ngram_model_free")]
    internal static partial int ngram_model_free(nint model);
}
