using System.Runtime.InteropServices;

namespace VoiceAgent.Providers.Embedded.PocketSphinx;

/// <summary>A PocketSphinx <c>ps_decoder_t*</c>; it keeps its config (and the config's argv strings) alive.</summary>
internal sealed class PocketSphinxDecoderHandle : SafeHandle
{
    private PocketSphinxConfigHandle? _config;

    private PocketSphinxDecoderHandle()
        : base(nint.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == nint.Zero;

    /// <summary>Creates a decoder from <paramref name="config"/>; the caller may dispose its own config afterwards.</summary>
    public static PocketSphinxDecoderHandle Create(PocketSphinxConfigHandle config)
    {
        var decoder = new PocketSphinxDecoderHandle();
        var added = false;
        config.DangerousAddRef(ref added);
        decoder._config = config;
        var native = NativeMethods.ps_init(config);
        if (native == nint.Zero)
        {
            decoder._config = null;
            config.DangerousRelease();
            decoder.Dispose();
            throw new InvalidOperationException("ps_init failed: check the model paths and that the files are readable.");
        }

        decoder.SetHandle(native);
        return decoder;
    }

    protected override bool ReleaseHandle()
    {
        // The result is a reference count; nothing else retains our decoders, so it is always 0.
        _ = NativeMethods.ps_free(handle);

        // The decoder held the last native reference on the config's option names; only now may they go.
        _config?.DangerousRelease();
        _config = null;
        return true;
    }
}
