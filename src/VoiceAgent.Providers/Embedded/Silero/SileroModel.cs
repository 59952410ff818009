using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;

namespace VoiceAgent.Providers.Embedded.Silero;

/// <summary>
/// The Silero VAD v5 model loaded into one ONNX Runtime session. A session is safe to run from many threads at once and
/// serves many streams; <see cref="SileroVadFactory"/> keeps one per core. Per-stream state lives in
/// <see cref="SileroVoiceActivityDetector"/>.
/// </summary>
public sealed class SileroModel : IDisposable
{
    public const string FileName = "silero_vad.onnx";

    /// <summary>SHA-256 of <c>silero_vad.onnx</c> v5 as shipped in <c>@livekit/agents-plugin-silero</c> 1.9.0 (see models/silero/PROVENANCE.md).</summary>
    public const string ExpectedSha256 = "1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3";

    private readonly Lazy<float[]> _silence16;
    private readonly Lazy<float[]> _silence8;

    private SileroModel(InferenceSession session, string path)
    {
        Session = session;
        Path = path;
        _silence16 = new Lazy<float[]>(() => SettleOnSilence(16_000));
        _silence8 = new Lazy<float[]>(() => SettleOnSilence(8_000));
    }

    public string Path { get; }

    /// <summary>
    /// The recurrent state the model settles into on digital silence at <paramref name="sampleRate"/> (computed once):
    /// what a window the energy gate skips leaves behind, so that the next window the model runs sees what it would
    /// have seen had it run all along.
    /// </summary>
    internal float[] SilenceState(int sampleRate) => sampleRate == 8_000 ? _silence8.Value : _silence16.Value;

    internal InferenceSession Session { get; }

    /// <summary>Reads the file, refuses it unless its SHA-256 is <see cref="ExpectedSha256"/>, and creates the session.</summary>
    public static SileroModel Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Silero VAD model {path} cannot be read: {ex.Message}", ex);
        }

        // A different or damaged file may still load and then silently find no speech; only the pinned model is accepted.
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (actual != ExpectedSha256)
        {
            throw new InvalidOperationException($"Silero VAD model {path} has SHA-256 {actual}, expected {ExpectedSha256} (silero_vad.onnx v5 from @livekit/agents-plugin-silero 1.9.0).");
        }

        using var options = new SessionOptions
        {
            // One thread per run, on the caller's thread: many calls run at once, and an intra-op pool per session
            // would only make them fight over the cores (and spin).
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        return new SileroModel(new InferenceSession(bytes, options), path);
    }

    public void Dispose() => Session.Dispose();

    // One second of zeros is far longer than the state takes to settle (measured: it no longer changes after a few windows).
    private float[] SettleOnSilence(int sampleRate)
    {
        using var detector = new SileroVoiceActivityDetector(this, sampleRate);
        var window = new short[sampleRate / 1000 * SileroVoiceActivityDetector.WindowMs];
        for (var i = 0; i < 32; i++)
        {
            detector.IsSpeech(window);
        }

        return detector.State.ToArray();
    }
}
