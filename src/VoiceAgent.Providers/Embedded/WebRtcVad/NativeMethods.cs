using System.Runtime.InteropServices;

namespace VoiceAgent.Providers.Embedded.WebRtcVad;

/// <summary>The WebRTC VAD exports of Debian's libwebrtc-audio-processing1 (its headers do not declare them).</summary>
internal static partial class NativeMethods
{
    // The versioned name needs no -dev package at run time.
    internal const string Library = "libwebrtc_audio_processing.so.1";

    internal const string DebianPackage = "libwebrtc-audio-processing1";

    // Returns an instance that is not yet initialised: set_mode and Process fail until Init succeeds.
    [LibraryImport(Library)]
    internal static partial WebRtcVadHandle WebRtcVad_Create();

    [LibraryImport(Library)]
    internal static partial int WebRtcVad_Init(WebRtcVadHandle handle);

    [LibraryImport(Library)]
    internal static partial int WebRtcVad_set_mode(WebRtcVadHandle handle, int mode);

    // 1 speech, 0 non-speech, -1 error (bad rate/length or not initialised).
    [LibraryImport(Library)]
    internal static unsafe partial int WebRtcVad_Process(WebRtcVadHandle handle, int sampleRate, short* frame, nuint samples);

    [LibraryImport(Library)]
    internal static partial void WebRtcVad_Free(nint handle);

    // 0 when valid, -1 otherwise.
    [LibraryImport(Library)]
    internal static partial int WebRtcVad_ValidRateAndFrameLength(int sampleRate, nuint samples);
}
