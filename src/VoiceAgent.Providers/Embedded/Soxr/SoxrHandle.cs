using Microsoft.Win32.SafeHandles;

namespace VoiceAgent.Providers.Embedded.Soxr;

/// <summary>Owns one native soxr resampler and deletes it exactly once.</summary>
internal sealed class SoxrHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    // The interop marshaller creates the handle and then sets the native pointer.
    public SoxrHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        NativeMethods.soxr_delete(handle);
        return true;
    }
}
