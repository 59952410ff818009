using Microsoft.Win32.SafeHandles;

namespace VoiceAgent.Providers.Embedded.Opus;

/// <summary>Owns one native libopus encoder and destroys it exactly once.</summary>
internal sealed class OpusEncoderHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    // The interop marshaller creates the handle and then sets the native pointer.
    public OpusEncoderHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        NativeMethods.opus_encoder_destroy(handle);
        return true;
    }
}
