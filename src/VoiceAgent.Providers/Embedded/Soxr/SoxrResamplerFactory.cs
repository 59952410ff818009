using System.Runtime.InteropServices;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Providers.Embedded.Soxr;

/// <summary>Creates <see cref="SoxrResampler"/>s, one per stream.</summary>
public sealed class SoxrResamplerFactory : IResamplerFactory
{
    /// <summary>Null when libsoxr loads; otherwise a message for start-up checks saying what to install.</summary>
    public static string? CheckAvailable()
    {
        try
        {
            // A pure function: proves the library loads and resolves without creating a resampler.
            _ = NativeMethods.soxr_quality_spec(new CULong((nuint)NativeMethods.SOXR_HQ), new CULong(0));
            return null;
        }
        catch (DllNotFoundException ex)
        {
            return $"libsoxr unavailable: {NativeMethods.Library} could not be loaded; install the Debian package {NativeMethods.DebianPackage}. ({ex.Message})";
        }
        catch (EntryPointNotFoundException ex)
        {
            return $"libsoxr unavailable: {NativeMethods.Library} lacks an expected export; install the Debian package {NativeMethods.DebianPackage}. ({ex.Message})";
        }
    }

    public IResampler Create(int inputRate, int outputRate) => new SoxrResampler(inputRate, outputRate);
}
