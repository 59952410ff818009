using Microsoft.Win32.SafeHandles;

namespace VoiceAgent.Providers.Embedded.Lame;

/// <summary>Owns one native LAME encoder and closes it exactly once.</summary>
internal sealed class LameHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    // The interop marshaller creates the handle and then sets the native pointer.
    public LameHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        return NativeMethods.lame_close(handle) == 0;
    }
}
