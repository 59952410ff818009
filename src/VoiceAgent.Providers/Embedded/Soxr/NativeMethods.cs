using System.Runtime.InteropServices;

namespace VoiceAgent.Providers.Embedded.Soxr;

/// <summary>The parts of libsoxr 0.1.3 (soxr.h) that a streaming PCM16 mono resampler needs.</summary>
internal static partial class NativeMethods
{
    // The versioned name needs no -dev package at run time.
    internal const string Library = "libsoxr.so.0";

    internal const string DebianPackage = "libsoxr0";

    internal const int SOXR_INT16_I = 3;

    internal const ulong SOXR_HQ = 4;

    // io_spec flag: without it int16 output is TPDF-dithered, so chunked and whole runs differ by ±2.
    internal const ulong SOXR_NO_DITHER = 8;

    // soxr_error_t is a library-owned static string (or NULL): never free it, so it is imported as a pointer.
    [LibraryImport(Library)]
    internal static partial SoxrHandle soxr_create(
        double inputRate,
        double outputRate,
        uint channels,
        out nint error,
        in SoxrIoSpec ioSpec,
        in SoxrQualitySpec qualitySpec,
        nint runtimeSpec);

    // in == NULL means end of input: the resampler then drains its tail.
    [LibraryImport(Library)]
    internal static unsafe partial nint soxr_process(
        SoxrHandle resampler,
        short* input,
        nuint inputLength,
        out nuint inputDone,
        short* output,
        nuint outputLength,
        out nuint outputDone);

    [LibraryImport(Library)]
    internal static partial void soxr_delete(nint resampler);

    // Returned by value; filling the struct by hand would miss defaults the library sets (scale = 1).
    [LibraryImport(Library)]
    internal static partial SoxrIoSpec soxr_io_spec(int inputType, int outputType);

    // Returned by value; the recipe sets precision, phase response and band edges.
    [LibraryImport(Library)]
    internal static partial SoxrQualitySpec soxr_quality_spec(CULong recipe, CULong flags);

    internal static string? ErrorText(nint error) => error == 0 ? null : Marshal.PtrToStringUTF8(error);
}

/// <summary>soxr_io_spec_t: int, int, double, void*, unsigned long (8 bytes on x86_64 Linux) = 32 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SoxrIoSpec
{
    public int InputType;
    public int OutputType;
    public double Scale;
    public nint Reserved;
    public CULong Flags;
}

/// <summary>soxr_quality_spec_t: four doubles, void*, unsigned long = 48 bytes on x86_64 Linux.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SoxrQualitySpec
{
    public double Precision;
    public double PhaseResponse;
    public double PassbandEnd;
    public double StopbandBegin;
    public nint Reserved;
    public CULong Flags;
}
