using Microsoft.Extensions.Options;
using VoiceAgent.Providers.Embedded.WebRtcVad;
using Xunit.Abstractions;

namespace VoiceAgent.Providers.Tests.Embedded.WebRtcVad;

public sealed class WebRtcVoiceActivityDetectorTests(ITestOutputHelper log)
{
    private const int Rate = 16_000;
    private const int FrameMs = 30;
    private const int FrameSamples = Rate / 1000 * FrameMs;
    private const double ToleranceMs = 100;

    // WebRTC keeps flagging speech for up to kOverHangMax2 = 3 frames (90 ms at 30 ms) after speech in modes 2 and 3,
    // on purpose, so word endings are not clipped; the last flagged frame therefore lags the true end by that much.
    private const double HangoverMs = 90;

    // Its noise model starts from built-in defaults: the first ~100 ms of any non-silent stream may read as speech.
    private const int WarmUpFrames = 200 / FrameMs;

    [Fact]
    public void Library_is_available()
    {
        WebRtcVadFactory.CheckAvailable().ShouldBeNull();
    }

    [Theory]
    [InlineData("The quick brown fox jumps over the lazy dog.", "slt")]
    [InlineData("Please turn on the kitchen lights.", "rms")]
    [InlineData("What is the weather like tomorrow?", "awb")]
    public void Finds_the_edges_of_flite_speech_padded_with_silence(string text, string voice)
    {
        var speech = TestSpeech.Flite(text, voice, Rate);
        var signal = new short[Rate + speech.Length + Rate];
        speech.CopyTo(signal, Rate);
        var (trueStartMs, trueEndMs) = SignalEnergy.SpeechEdgesMs(signal, Rate);

        using var vad = new WebRtcVoiceActivityDetector(Rate, FrameMs, mode: 2);
        var flags = Classify(vad, signal);
        var first = Array.IndexOf(flags, true);
        var last = Array.LastIndexOf(flags, true);
        first.ShouldBeGreaterThanOrEqualTo(0, "no speech detected at all");
        var vadStartMs = first * (double)FrameMs;
        var vadEndMs = (last + 1) * (double)FrameMs;
        log.WriteLine($"{voice}: energy edges {trueStartMs}–{trueEndMs} ms, VAD edges {vadStartMs}–{vadEndMs} ms, {flags.Count(f => f)}/{flags.Length} frames speech");

        vadStartMs.ShouldBeInRange(trueStartMs - ToleranceMs, trueStartMs + ToleranceMs);
        vadEndMs.ShouldBeInRange(trueEndMs - ToleranceMs, trueEndMs + HangoverMs + ToleranceMs);

        // Between the edges a sentence is mostly voiced: a detector that fired on two stray frames must not pass.
        var inside = flags[first..(last + 1)];
        ((double)inside.Count(f => f) / inside.Length).ShouldBeGreaterThan(0.6);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Digital_silence_is_not_speech(int mode)
    {
        using var vad = new WebRtcVoiceActivityDetector(Rate, FrameMs, mode);
        Classify(vad, new short[Rate * 3]).ShouldAllBe(f => !f);
    }

    // Modes 0 and 1 are not tested here: mode 0 flags this noise as speech, which is why the default is 2.
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Low_level_noise_after_silence_is_not_speech(int mode)
    {
        var signal = new short[Rate * 4];
        SignalEnergy.GaussianNoise(Rate * 3, amplitude: 30, seed: 1234).CopyTo(signal, Rate);
        using var vad = new WebRtcVoiceActivityDetector(Rate, FrameMs, mode);
        Classify(vad, signal).ShouldAllBe(f => !f);
    }

    [Theory]
    [InlineData(2, 1234)]
    [InlineData(2, 99)]
    [InlineData(3, 1234)]
    public void Low_level_noise_from_the_first_sample_is_not_speech_after_warm_up(int mode, int seed)
    {
        var noise = SignalEnergy.GaussianNoise(Rate * 3, amplitude: 30, seed);
        using var vad = new WebRtcVoiceActivityDetector(Rate, FrameMs, mode);
        var flags = Classify(vad, noise);
        flags[WarmUpFrames..].ShouldAllBe(f => !f);
    }

    [Theory]
    [InlineData(8_000, 10)]
    [InlineData(16_000, 20)]
    [InlineData(32_000, 30)]
    [InlineData(48_000, 10)]
    public void Supported_rates_and_frame_lengths_classify(int rate, int frameMs)
    {
        using var vad = new WebRtcVoiceActivityDetector(rate, frameMs);
        vad.SampleRate.ShouldBe(rate);
        vad.FrameMs.ShouldBe(frameMs);
        vad.IsSpeech(new short[rate / 1000 * frameMs]).ShouldBeFalse();
    }

    [Theory]
    [InlineData(44_100, 30)]
    [InlineData(22_050, 10)]
    [InlineData(0, 10)]
    [InlineData(16_000, 15)]
    [InlineData(16_000, 40)]
    [InlineData(16_000, 0)]
    public void Unsupported_rate_or_frame_length_throws(int rate, int frameMs)
    {
        Should.Throw<ArgumentException>(() => new WebRtcVoiceActivityDetector(rate, frameMs));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(4)]
    public void Mode_outside_0_to_3_throws(int mode)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new WebRtcVoiceActivityDetector(Rate, FrameMs, mode));
        Should.Throw<ArgumentOutOfRangeException>(() => new WebRtcVadFactory(Options.Create(new WebRtcVadOptions { Mode = mode })));
    }

    [Fact]
    public void Frame_of_the_wrong_length_throws()
    {
        using var vad = new WebRtcVoiceActivityDetector(Rate, FrameMs);
        Should.Throw<ArgumentException>(() => vad.IsSpeech(new short[FrameSamples - 1]));
        Should.Throw<ArgumentException>(() => vad.IsSpeech(new short[FrameSamples + 1]));
    }

    [Fact]
    public void IsSpeech_does_not_allocate()
    {
        var frame = SignalEnergy.GaussianNoise(FrameSamples, amplitude: 3_000, seed: 5);
        using var vad = new WebRtcVoiceActivityDetector(Rate, FrameMs);
        vad.IsSpeech(frame); // first call JITs the interop stub

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            vad.IsSpeech(frame);
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }

    [Fact]
    public void Use_after_dispose_throws()
    {
        var vad = new WebRtcVoiceActivityDetector(Rate, FrameMs);
        vad.Dispose();
        vad.Dispose(); // idempotent
        Should.Throw<ObjectDisposedException>(() => vad.IsSpeech(new short[FrameSamples]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Factory_builds_detectors_in_every_mode(int mode)
    {
        var factory = new WebRtcVadFactory(Options.Create(new WebRtcVadOptions { Mode = mode }));
        using var vad = factory.Create(Rate, FrameMs);
        var detector = vad.ShouldBeOfType<WebRtcVoiceActivityDetector>();
        detector.Mode.ShouldBe(mode);
        detector.SampleRate.ShouldBe(Rate);
        detector.FrameMs.ShouldBe(FrameMs);
    }

    [Fact]
    public void Default_options_mode_is_2()
    {
        new WebRtcVadOptions().Mode.ShouldBe(2);
    }

    private static bool[] Classify(WebRtcVoiceActivityDetector vad, short[] signal)
    {
        var frames = new bool[signal.Length / FrameSamples];
        for (var i = 0; i < frames.Length; i++)
        {
            frames[i] = vad.IsSpeech(signal.AsSpan(i * FrameSamples, FrameSamples));
        }

        return frames;
    }
}
