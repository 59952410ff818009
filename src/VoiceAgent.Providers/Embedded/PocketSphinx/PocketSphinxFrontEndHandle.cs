using System.Runtime.InteropServices;

namespace VoiceAgent.Providers.Embedded.PocketSphinx;

/// <summary>A sphinxbase <c>fe_t*</c>: an MFCC front end made with a decoder's own parameters (so it computes the same cepstra).</summary>
internal sealed class PocketSphinxFrontEndHandle : SafeHandle
{
    private PocketSphinxFrontEndHandle()
        : base(nint.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == nint.Zero;

    /// <summary>Creates a front end from <paramref name="decoder"/>'s config; it retains the config natively, so it may outlive nothing but the decoder.</summary>
    public static PocketSphinxFrontEndHandle Create(PocketSphinxDecoderHandle decoder)
    {
        var frontEnd = new PocketSphinxFrontEndHandle();
        var native = NativeMethods.fe_init_auto_r(NativeMethods.ps_get_config(decoder));
        if (native == nint.Zero)
        {
            frontEnd.Dispose();
            throw new InvalidOperationException("fe_init_auto_r failed for the decoder's own configuration.");
        }

        frontEnd.SetHandle(native);
        return frontEnd;
    }

    protected override bool ReleaseHandle()
    {
        _ = NativeMethods.fe_free(handle); // a reference count, not an error
        return true;
    }
}
