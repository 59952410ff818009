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
}
