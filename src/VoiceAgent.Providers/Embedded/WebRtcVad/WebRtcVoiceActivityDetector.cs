using VoiceAgent.Pipeline.Vad;

namespace VoiceAgent.Providers.Embedded.WebRtcVad;

/// <summary>Speech/non-speech decisions per 10, 20 or 30 ms PCM16 frame from the WebRTC VAD in libwebrtc-audio-processing.</summary>
public sealed class WebRtcVoiceActivityDetector : IVoiceActivityDetector
{
    private readonly WebRtcVadHandle _handle;
    private readonly int _samplesPerFrame;

    /// <param name="sampleRate">8 000, 16 000, 32 000 or 48 000 Hz.</param>
    /// <param name="frameMs">10, 20 or 30 ms.</param>
    /// <param name="mode">Aggressiveness 0 (least) to 3 (most).</param>
    public WebRtcVoiceActivityDetector(int sampleRate, int frameMs, int mode = 2)
    {
        if (sampleRate is not (8_000 or 16_000 or 32_000 or 48_000))
        {
            throw new ArgumentException($"WebRTC VAD supports 8000, 16000, 32000 or 48000 Hz, not {sampleRate} Hz.", nameof(sampleRate));
        }

        if (frameMs is not (10 or 20 or 30))
        {
            throw new ArgumentException($"WebRTC VAD supports 10, 20 or 30 ms frames, not {frameMs} ms.", nameof(frameMs));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(mode);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(mode, 3);

        SampleRate = sampleRate;
        FrameMs = frameMs;
        _samplesPerFrame = sampleRate / 1000 * frameMs;

        _handle = NativeMethods.WebRtcVad_Create();
        if (_handle.IsInvalid)
        {
            _handle.Dispose();
            throw new InvalidOperationException("WebRtcVad_Create returned no instance (out of memory?).");
        }

        try
        {
            // Init must come first: before it, set_mode and Process fail.
            if (NativeMethods.WebRtcVad_Init(_handle) != 0)
            {
                throw new InvalidOperationException("WebRtcVad_Init failed.");
            }

            if (NativeMethods.WebRtcVad_set_mode(_handle, mode) != 0)
            {
                throw new InvalidOperationException($"WebRtcVad_set_mode({mode}) failed.");
            }

            // Our own checks mirror the library's; ask it too so a different build cannot disagree silently.
            if (NativeMethods.WebRtcVad_ValidRateAndFrameLength(sampleRate, (nuint)_samplesPerFrame) != 0)
            {
                throw new ArgumentException($"The WebRTC VAD library rejects {sampleRate} Hz with {frameMs} ms frames.", nameof(frameMs));
            }
        }
        catch
        {
            _handle.Dispose();
            throw;
        }

        Mode = mode;
    }

    public int SampleRate { get; }

    public int FrameMs { get; }

    /// <summary>Aggressiveness 0 (least) to 3 (most).</summary>
    public int Mode { get; }

    public unsafe bool IsSpeech(ReadOnlySpan<short> frame)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (frame.Length != _samplesPerFrame)
        {
            throw new ArgumentException($"Expected {_samplesPerFrame} samples ({FrameMs} ms at {SampleRate} Hz), got {frame.Length}.", nameof(frame));
        }

        int result;
        fixed (short* samples = frame)
        {
            result = NativeMethods.WebRtcVad_Process(_handle, SampleRate, samples, (nuint)frame.Length);
        }

        return result switch
        {
            1 => true,
            0 => false,
            _ => throw new InvalidOperationException($"WebRtcVad_Process failed ({result})."),
        };
    }

    public void Dispose() => _handle.Dispose();
}
