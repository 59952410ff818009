using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace VoiceAgent.Providers.Embedded.Espeak;

/// <summary>The eSpeak NG entry points we use (speak_lib.h, libespeak-ng 1.51).</summary>
/// <remarks>
/// The versioned name needs only the runtime package (libespeak-ng1), not the -dev one.
/// eSpeak NG has no per-instance handle: it is one process-global synthesiser, so there is no SafeHandle here;
/// <see cref="EspeakEngine"/> owns the initialisation and is the only caller.
/// </remarks>
internal static unsafe partial class NativeMethods
{
    public const string Library = "libespeak-ng.so.1";

    public const int AudioOutputSynchronous = 2;

    // Without it, a missing data directory makes espeak_Initialize call exit(1) and take the whole service down.
    public const int InitializeDontExit = 0x8000;

    public const int PositionCharacter = 1;

    public const uint CharsUtf8 = 1;

    public const int ParameterRate = 1;

    public const int ParameterVolume = 2;

    public const int ParameterPitch = 3;

    public const int EventListTerminated = 0;

    public const int EventWord = 1;

    /// <summary>Returns the sample rate (22 050), or 0 when it failed and <see cref="InitializeDontExit"/> was given.</summary>
    [LibraryImport(Library, EntryPoint = "espeak_Initialize", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Initialize(int output, int bufferMs, string? path, int options);

    [LibraryImport(Library, EntryPoint = "espeak_SetSynthCallback")]
    public static partial void SetSynthCallback(delegate* unmanaged[Cdecl]<short*, int, EspeakEvent*, int> callback);

    /// <summary>Accepts a voice file identifier such as <c>gmw/en-US</c> (tried first as a file name by eSpeak NG).</summary>
    [LibraryImport(Library, EntryPoint = "espeak_SetVoiceByName", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SetVoiceByName(string name);

    [LibraryImport(Library, EntryPoint = "espeak_SetParameter")]
    public static partial int SetParameter(int parameter, int value, int relative);

    /// <summary>In synchronous mode this runs the whole synthesis, calling the synth callback on this thread.</summary>
    [LibraryImport(Library, EntryPoint = "espeak_Synth")]
    public static partial int Synth(byte* text, nuint size, uint position, int positionType, uint endPosition, uint flags, uint* uniqueIdentifier, void* userData);

    /// <summary>Returns a NULL-terminated array owned by the library; valid until the next call.</summary>
    [LibraryImport(Library, EntryPoint = "espeak_ListVoices")]
    public static partial EspeakVoice** ListVoices(EspeakVoice* voiceSpec);
}

/// <summary>espeak_EVENT: 40 bytes on x86_64 (checked); only the fields we read are named.</summary>
[StructLayout(LayoutKind.Explicit, Size = 40)]
internal struct EspeakEvent
{
    [FieldOffset(0)]
    public int Type;

    [FieldOffset(8)]
    public int TextPosition; // 1-based, in characters (code points), not bytes

    [FieldOffset(12)]
    public int Length; // characters

    [FieldOffset(16)]
    public int AudioPositionMs;

    [FieldOffset(20)]
    public int Sample; // exact sample offset from the start of the synthesis

    [FieldOffset(24)]
    public nint UserData;
}

/// <summary>espeak_VOICE as listed by espeak_ListVoices.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct EspeakVoice
{
    public byte* Name;
    public byte* Languages; // (priority byte, NUL-terminated language) pairs, ended by a 0 priority
    public byte* Identifier;
    public byte Gender;
    public byte Age;
    public byte Variant;
    public byte Xx1;
    public int Score;
    public void* Spare;
}
