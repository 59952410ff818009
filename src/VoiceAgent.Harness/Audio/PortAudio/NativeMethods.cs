using System.Runtime.InteropServices;

namespace VoiceAgent.Harness.Audio.PortAudio;

/// <summary>The few PortAudio v19 functions the harness needs (Debian: libportaudio2). Blocking read/write streams only.</summary>
internal static partial class NativeMethods
{
    public const string Library = "libportaudio.so.2";
    public const int NoDevice = -1;
    public const ulong PaInt16 = 0x00000008;
    public const int InputOverflowed = -9981;
    public const int OutputUnderflowed = -9980;

    [LibraryImport(Library, EntryPoint = "Pa_Initialize")]
    public static partial int Initialize();

    [LibraryImport(Library, EntryPoint = "Pa_Terminate")]
    public static partial int Terminate();

    [LibraryImport(Library, EntryPoint = "Pa_GetDefaultInputDevice")]
    public static partial int GetDefaultInputDevice();

    [LibraryImport(Library, EntryPoint = "Pa_GetDefaultOutputDevice")]
    public static partial int GetDefaultOutputDevice();

    // PaSampleFormat and frame counts are C 'unsigned long': 64-bit on Linux/macOS, 32-bit on Windows, hence CULong.
    [LibraryImport(Library, EntryPoint = "Pa_OpenDefaultStream")]
    public static partial int OpenDefaultStream(out nint stream, int inputChannels, int outputChannels, CULong sampleFormat, double sampleRate, CULong framesPerBuffer, nint callback, nint userData);

    [LibraryImport(Library, EntryPoint = "Pa_StartStream")]
    public static partial int StartStream(PortAudioStreamHandle stream);

    [LibraryImport(Library, EntryPoint = "Pa_CloseStream")]
    public static partial int CloseStream(nint stream);

    [LibraryImport(Library, EntryPoint = "Pa_ReadStream")]
    public static unsafe partial int ReadStream(PortAudioStreamHandle stream, short* buffer, CULong frames);

    [LibraryImport(Library, EntryPoint = "Pa_WriteStream")]
    public static unsafe partial int WriteStream(PortAudioStreamHandle stream, short* buffer, CULong frames);

    [LibraryImport(Library, EntryPoint = "Pa_GetErrorText")]
    public static partial nint GetErrorText(int error);

    public static string ErrorText(int error) => Marshal.PtrToStringUTF8(GetErrorText(error)) ?? $"PortAudio error {error}";
}
