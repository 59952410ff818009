using System.Runtime.InteropServices;

namespace VoiceAgent.Providers.Embedded.Flac;

/// <summary>The parts of libFLAC 1.4 (FLAC/stream_encoder.h, Debian libflac12) a streaming mono encoder needs.</summary>
internal static partial class NativeMethods
{
    // The versioned name needs no -dev package at run time.
    internal const string Library = "libFLAC.so.12";

    internal const string DebianPackage = "libflac12";

    // FLAC__StreamEncoderInitStatus: FLAC__STREAM_ENCODER_INIT_STATUS_OK.
    internal const int InitOk = 0;

    // FLAC__StreamEncoderWriteStatus: OK and FATAL_ERROR.
    internal const int WriteOk = 0;
    internal const int WriteFatal = 1;

    [LibraryImport(Library)]
    internal static partial FlacEncoderHandle FLAC__stream_encoder_new();

    [LibraryImport(Library)]
    internal static partial void FLAC__stream_encoder_delete(nint encoder);

    // FLAC__bool is a C int.
    [LibraryImport(Library)]
    internal static partial int FLAC__stream_encoder_set_channels(FlacEncoderHandle encoder, uint channels);

    [LibraryImport(Library)]
    internal static partial int FLAC__stream_encoder_set_bits_per_sample(FlacEncoderHandle encoder, uint bits);

    [LibraryImport(Library)]
    internal static partial int FLAC__stream_encoder_set_sample_rate(FlacEncoderHandle encoder, uint rate);

    [LibraryImport(Library)]
    internal static partial int FLAC__stream_encoder_set_compression_level(FlacEncoderHandle encoder, uint level);

    [LibraryImport(Library)]
    internal static partial int FLAC__stream_encoder_set_blocksize(FlacEncoderHandle encoder, uint samples);

    /// <summary>
    /// Starts the stream, calling <paramref name="write"/> with the "fLaC" marker and STREAMINFO at once. With no seek
    /// callback libFLAC never goes back to fill in the total length and MD5, which a stream cannot have anyway.
    /// </summary>
    [LibraryImport(Library)]
    internal static unsafe partial int FLAC__stream_encoder_init_stream(
        FlacEncoderHandle encoder, delegate* unmanaged<nint, byte*, nuint, uint, uint, nint, int> write, nint seek, nint tell, nint metadata, nint clientData);

    /// <summary>Encodes <paramref name="samples"/> mono samples (one int each); full blocks are written through the callback.</summary>
    [LibraryImport(Library)]
    internal static unsafe partial int FLAC__stream_encoder_process_interleaved(FlacEncoderHandle encoder, int* buffer, uint samples);

    /// <summary>Encodes the last, partial block and ends the stream.</summary>
    [LibraryImport(Library)]
    internal static partial int FLAC__stream_encoder_finish(FlacEncoderHandle encoder);
}
