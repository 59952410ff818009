using Microsoft.Win32.SafeHandles;

namespace VoiceAgent.Providers.Embedded.Flac;

/// <summary>Owns one native libFLAC stream encoder and deletes it exactly once.</summary>
internal sealed class FlacEncoderHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    // The interop marshaller creates the handle and then sets the native pointer.
    public FlacEncoderHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        NativeMethods.FLAC__stream_encoder_delete(handle);
        return true;
    }
}
