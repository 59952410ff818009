using System.Runtime.InteropServices;

namespace VoiceAgent.Providers.Embedded.PocketSphinx;

/// <summary>A sphinxbase <c>cmd_ln_t*</c> together with the native argv strings it points into.</summary>
/// <remarks>
/// <c>cmd_ln_parse_r</c> keeps option names by pointer, so the argv copies live exactly as long as this handle.
/// A decoder takes its own native reference on the config, so the decoder handle holds a managed reference on this
/// one (<see cref="SafeHandle.DangerousAddRef"/>) and the strings are freed only after the last user is gone.
/// </remarks>
internal sealed class PocketSphinxConfigHandle : SafeHandle
{
    private nint[] _argv = [];

    private PocketSphinxConfigHandle()
        : base(nint.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == nint.Zero;

    /// <summary>Parses <paramref name="arguments"/> (name, value, name, value...) strictly: an unknown option fails.</summary>
    public static unsafe PocketSphinxConfigHandle Parse(IReadOnlyList<string> arguments)
    {
        var config = new PocketSphinxConfigHandle { _argv = new nint[arguments.Count] };
        for (var i = 0; i < arguments.Count; i++)
        {
            config._argv[i] = Marshal.StringToCoTaskMemUTF8(arguments[i]);
        }

        nint parsed;
        fixed (nint* argv = config._argv)
        {
            parsed = NativeMethods.cmd_ln_parse_r(nint.Zero, NativeMethods.ps_args(), config._argv.Length, argv, strict: 1);
        }

        if (parsed == nint.Zero)
        {
            config.Dispose();
            throw new InvalidOperationException(
                "PocketSphinx rejected its configuration (an unknown option or a bad value): " + string.Join(' ', arguments));
        }

        config.SetHandle(parsed);
        return config;
    }

    protected override bool ReleaseHandle()
    {
        // The result is a reference count, not an error: by now every decoder using this config has been freed.
        _ = NativeMethods.cmd_ln_free_r(handle);
        FreeArguments();
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        // A config that never parsed has no native handle, so ReleaseHandle never runs: free the strings here.
        if (IsInvalid)
        {
            FreeArguments();
        }

        base.Dispose(disposing);
    }

    private void FreeArguments()
    {
        foreach (var p in _argv)
        {
            Marshal.FreeCoTaskMem(p);
        }

        _argv = [];
    }
}
