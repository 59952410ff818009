using Microsoft.Extensions.Options;
using VoiceAgent.Pipeline.Vad;

namespace VoiceAgent.Providers.Embedded.WebRtcVad;

/// <summary>Creates one <see cref="WebRtcVoiceActivityDetector"/> per stream with the configured mode.</summary>
public sealed class WebRtcVadFactory : IVoiceActivityDetectorFactory
{
    private readonly int _mode;

    public WebRtcVadFactory(IOptions<WebRtcVadOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var mode = options.Value.Mode;
        if (mode is < 0 or > 3)
        {
            throw new ArgumentOutOfRangeException(nameof(options), mode, "WebRtcVadOptions.Mode must be 0, 1, 2 or 3.");
        }

        _mode = mode;
    }

    /// <summary>Null when the native library loads and exports the VAD; otherwise a message for start-up checks saying what to install.</summary>
    public static string? CheckAvailable()
    {
        try
        {
            // A pure function: proves the library loads and the VAD symbols resolve without creating anything.
            _ = NativeMethods.WebRtcVad_ValidRateAndFrameLength(16_000, 160);
            return null;
        }
        catch (DllNotFoundException ex)
        {
            return $"WebRTC VAD unavailable: {NativeMethods.Library} could not be loaded; install the Debian package {NativeMethods.DebianPackage}. ({ex.Message})";
        }
        catch (EntryPointNotFoundException ex)
        {
            return $"WebRTC VAD unavailable: {NativeMethods.Library} lacks the WebRtcVad_* exports; install the Debian package {NativeMethods.DebianPackage}. ({ex.Message})";
        }
    }

    public IVoiceActivityDetector Create(int sampleRate, int frameMs) => new WebRtcVoiceActivityDetector(sampleRate, frameMs, _mode);
}
