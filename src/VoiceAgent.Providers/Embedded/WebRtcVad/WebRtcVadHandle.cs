using Microsoft.Win32.SafeHandles;

namespace VoiceAgent.Providers.Embedded.WebRtcVad;

/// <summary>Owns one native WebRTC VAD instance and frees it exactly once.</summary>
internal sealed class WebRtcVadHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    // The interop marshaller creates the handle and then sets the native pointer.
    public WebRtcVadHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        NativeMethods.WebRtcVad_Free(handle);
        return true;
    }
}
