using System.Runtime.InteropServices;

namespace VoiceAgent.Providers.Embedded.Opus;

/// <summary>The parts of libopus 1.3 (opus/opus.h, Debian libopus0) a mono speech encoder needs.</summary>
internal static partial class NativeMethods
{
    // The versioned name needs no -dev package at run time.
    internal const string Library = "libopus.so.0";

    internal const string DebianPackage = "libopus0";

    // opus_defines.h.
    internal const int Ok = 0;
    internal const int ApplicationVoip = 2048;
    internal const int SetBitrateRequest = 4002;
    internal const int GetLookaheadRequest = 4027;

    [LibraryImport(Library)]
    internal static unsafe partial OpusEncoderHandle opus_encoder_create(int sampleRate, int channels, int application, int* error);

    [LibraryImport(Library)]
    internal static partial void opus_encoder_destroy(nint encoder);

    /// <summary>Encodes exactly one frame (2.5–60 ms) of <paramref name="frameSize"/> samples; returns the packet's length or an error (&lt; 0).</summary>
    [LibraryImport(Library)]
    internal static unsafe partial int opus_encode(OpusEncoderHandle encoder, short* pcm, int frameSize, byte* data, int maxDataBytes);

    // opus_encoder_ctl is variadic. On x86-64 and arm64 Linux a variadic callee reads integer and pointer arguments
    // where a fixed-argument call puts them, so one fixed signature per argument type is a faithful call.
    [LibraryImport(Library, EntryPoint = "opus_encoder_ctl")]
    internal static partial int opus_encoder_ctl_set(OpusEncoderHandle encoder, int request, int value);

    [LibraryImport(Library, EntryPoint = "opus_encoder_ctl")]
    internal static unsafe partial int opus_encoder_ctl_get(OpusEncoderHandle encoder, int request, int* value);
}
