using Microsoft.Extensions.Options;
using VoiceAgent.Providers.Embedded.Silero;
using VoiceAgent.Providers.Tests.Embedded.WebRtcVad;
using Xunit.Abstractions;

namespace VoiceAgent.Providers.Tests.Embedded.Silero;

/// <summary>The real Silero model through ONNX Runtime on flite speech and sox noise.</summary>
public sealed class SileroVoiceActivityDetectorTests(ITestOutputHelper log)
{
    // One session for every test, as the service shares one between calls.
    private static readonly Lazy<SileroModel> Shared = new(() => SileroModel.Load(new SileroVadOptions().ResolvedModelPath));

    private readonly SileroModel _model = Shared.Value;

    [Theory]
    [InlineData("The quick brown fox jumps over the lazy dog.", "slt", 16_000)]
    [InlineData("Please turn on the kitchen lights.", "rms", 16_000)]
    [InlineData("What is the weather like tomorrow?", "awb", 16_000)]
    [InlineData("What is twelve times seven?", "kal", 8_000)]
    [InlineData("Call me back on my mobile number please.", "slt", 8_000)]
    public void Flite_speech_is_speech_and_the_silence_around_it_is_not(string text, string voice, int rate)
    {
        var speech = TestSpeech.Flite(text, voice, rate);
        var signal = new short[rate + speech.Length + rate];
        speech.CopyTo(signal, rate);
        var (startMs, endMs) = SignalEnergy.SpeechEdgesMs(signal, rate);

        using var vad = new SileroVoiceActivityDetector(_model, rate);
        var flags = Classify(vad, signal, rate);
        var inside = flags.Where((_, i) => i * 32 >= startMs && (i + 1) * 32 <= endMs).ToList();
        var outside = flags.Where((_, i) => (i + 1) * 32 < startMs - 100 || i * 32 > endMs + 300).ToList();
        log.WriteLine($"{voice} at {rate} Hz: {inside.Count(f => f)}/{inside.Count} windows speech inside {startMs}–{endMs} ms, {outside.Count(f => f)}/{outside.Count} outside");

        ((double)inside.Count(f => f) / inside.Count).ShouldBeGreaterThan(0.8);
        outside.ShouldNotContain(true);
    }

    [Theory]
    [InlineData("pinknoise", "0.5")]
    [InlineData("pinknoise", "0.05")]
    [InlineData("brownnoise", "0.5")]
    [InlineData("whitenoise", "0.3")]
    [InlineData("whitenoise", "0.03")]
    [InlineData("sine 50", "0.5")]
    [InlineData("sine 60", "0.1")]
    public void Sox_noise_is_not_speech(string kind, string volume)
    {
        foreach (var rate in new[] { 16_000, 8_000 })
        {
            var noise = TestSpeech.Sox(rate, ["synth", "4", .. kind.Split(' '), "vol", volume]);
            using var vad = new SileroVoiceActivityDetector(_model, rate);
            var flags = Classify(vad, noise, rate);
            log.WriteLine($"{kind} vol {volume} at {rate} Hz: {flags.Count(f => f)}/{flags.Length} windows speech, max p {MaxProbability(_model, noise, rate):F3}");
            flags.ShouldNotContain(true, $"{kind} at {rate} Hz");
        }
    }

    [Theory]
    [InlineData("brownnoise", -25)]
    [InlineData("whitenoise", -25)]
    [InlineData("pinknoise", -25)]
    [InlineData("pinknoise", -35)]
    public void Noise_that_follows_digital_silence_is_not_speech(string kind, double dbfs)
    {
        var noise = TestSpeech.Sox(16_000, "synth", "4", kind);
        var rms = Math.Sqrt(noise.Average(x => (double)x * x));
        var gain = 32768 * Math.Pow(10, dbfs / 20) / rms;
        var signal = new short[8_000 + noise.Length];
        for (var i = 0; i < noise.Length; i++)
        {
            signal[8_000 + i] = (short)Math.Clamp(noise[i] * gain, short.MinValue, short.MaxValue);
        }

        using var vad = new SileroVoiceActivityDetector(_model, 16_000);
        var p = new List<float>();
        for (var w = 0; w < signal.Length / 512; w++)
        {
            vad.IsSpeech(signal.AsSpan(w * 512, 512));
            p.Add(vad.Probability);
        }

        log.WriteLine($"{kind} {dbfs} dBFS after 0.5 s of zeros: max p {p.Max():F3} at window {p.IndexOf(p.Max())}; {string.Join(' ', p.Take(30).Select(x => x.ToString("F2")))}");
        p.Max().ShouldBeLessThan(0.5f);
    }

    [Theory]
    [InlineData("What is twelve times seven?", "slt", 16_000)]
    [InlineData("Please turn on the kitchen lights.", "rms", 16_000)]
    [InlineData("Call me back on my mobile number please.", "awb", 8_000)]
    public void The_energy_gate_skips_the_model_on_digital_silence_and_finds_the_same_speech(string text, string voice, int rate)
    {
        var speech = TestSpeech.Flite(text, voice, rate);
        var signal = new short[rate + speech.Length + rate];
        speech.CopyTo(signal, rate);

        using var always = new SileroVoiceActivityDetector(_model, rate);
        using var gated = new SileroVoiceActivityDetector(_model, rate, energyGateDbfs: new SileroVadOptions().EnergyGateDbfs);
        var expected = Classify(always, signal, rate);
        var flags = Classify(gated, signal, rate);
        log.WriteLine($"{voice} at {rate} Hz: {gated.GatedWindows}/{flags.Length} windows skipped the model, {flags.Where((f, i) => f != expected[i]).Count()} decisions differ");

        gated.GatedWindows.ShouldBeGreaterThanOrEqualTo(2 * 1000 / 32 - 4, "the second of silence on either side");
        always.GatedWindows.ShouldBe(0);
        Array.IndexOf(flags, true).ShouldBe(Array.IndexOf(expected, true), "speech starts on the same window");
        Array.LastIndexOf(flags, true).ShouldBe(Array.LastIndexOf(expected, true), "and ends on the same window");
    }

    [Fact]
    public void Two_interleaved_streams_give_exactly_what_each_gives_alone()
    {
        var a = TestSpeech.Flite("Book a table for four people tonight.", "slt");
        var b = TestSpeech.Flite("What time does the shop open tomorrow?", "awb");
        var aloneA = Probabilities(_model, a);
        var aloneB = Probabilities(_model, b);

        using var va = new SileroVoiceActivityDetector(_model, 16_000);
        using var vb = new SileroVoiceActivityDetector(_model, 16_000);
        var mixedA = new List<float>();
        var mixedB = new List<float>();
        for (var w = 0; w < Math.Max(aloneA.Length, aloneB.Length); w++)
        {
            if (w < aloneA.Length)
            {
                va.IsSpeech(a.AsSpan(w * 512, 512));
                mixedA.Add(va.Probability);
            }

            if (w < aloneB.Length)
            {
                vb.IsSpeech(b.AsSpan(w * 512, 512));
                mixedB.Add(vb.Probability);
            }
        }

        mixedA.ShouldBe(aloneA);
        mixedB.ShouldBe(aloneB);
        aloneA.Max().ShouldBeGreaterThan(0.9f, "the comparison means nothing if no speech was found");
    }

    [Fact]
    public void A_window_allocates_nothing()
    {
        var speech = TestSpeech.Flite("Hello there, how are you?", "slt");
        using var vad = new SileroVoiceActivityDetector(_model, 16_000);
        vad.IsSpeech(speech.AsSpan(0, 512));
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var w = 1; w < speech.Length / 512; w++)
        {
            vad.IsSpeech(speech.AsSpan(w * 512, 512));
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }

    [Fact]
    public void Hysteresis_keeps_speech_until_the_probability_falls_below_the_deactivation_threshold()
    {
        var speech = TestSpeech.Flite("I would like to book a table for four people.", "rms");
        using var vad = new SileroVoiceActivityDetector(_model, 16_000, activationThreshold: 0.6, deactivationThreshold: 0.2);
        var inSpeech = false;
        for (var w = 0; w < speech.Length / 512; w++)
        {
            var said = vad.IsSpeech(speech.AsSpan(w * 512, 512));
            var p = vad.Probability;
            said.ShouldBe(inSpeech ? p >= 0.2f : p >= 0.6f);
            inSpeech = said;
        }
    }

    [Fact]
    public void Wrong_window_length_and_rate_are_refused()
    {
        using var vad = new SileroVoiceActivityDetector(_model, 16_000);
        vad.FrameMs.ShouldBe(32);
        Should.Throw<ArgumentException>(() => vad.IsSpeech(new short[480]));
        Should.Throw<ArgumentException>(() => new SileroVoiceActivityDetector(_model, 44_100));
        Should.Throw<ArgumentException>(() => new SileroVoiceActivityDetector(_model, 16_000, 0.3, 0.5));
    }

    [Fact]
    public void The_shipped_model_loads_and_a_corrupted_copy_is_refused_naming_the_expected_hash()
    {
        var shipped = new SileroVadOptions().ResolvedModelPath;
        using var pooled = new SileroVadFactory(Options.Create(new SileroVadOptions { Sessions = 2 }));
        pooled.CheckAvailable().ShouldBeNull();
        pooled.SessionCount.ShouldBe(2);

        var dir = Directory.CreateTempSubdirectory("va-silero-");
        try
        {
            var bytes = File.ReadAllBytes(shipped);
            bytes[bytes.Length / 2] ^= 0x01;
            var corrupted = Path.Combine(dir.FullName, SileroModel.FileName);
            File.WriteAllBytes(corrupted, bytes);

            var error = Should.Throw<InvalidOperationException>(() => SileroModel.Load(corrupted));
            error.Message.ShouldContain(SileroModel.ExpectedSha256);
            var factory = new SileroVadFactory(Options.Create(new SileroVadOptions { ModelPath = corrupted }));
            factory.CheckAvailable()!.ShouldContain(SileroModel.ExpectedSha256);
            Should.Throw<InvalidOperationException>(() => factory.Create(16_000, 32));

            new SileroVadFactory(Options.Create(new SileroVadOptions { ModelPath = Path.Combine(dir.FullName, "missing.onnx") })).CheckAvailable()!.ShouldContain("cannot be read");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static bool[] Classify(SileroVoiceActivityDetector vad, short[] signal, int rate)
    {
        var window = rate / 1000 * 32;
        var flags = new bool[signal.Length / window];
        for (var w = 0; w < flags.Length; w++)
        {
            flags[w] = vad.IsSpeech(signal.AsSpan(w * window, window));
        }

        return flags;
    }

    private static float[] Probabilities(SileroModel model, short[] signal)
    {
        using var vad = new SileroVoiceActivityDetector(model, 16_000);
        var p = new float[signal.Length / 512];
        for (var w = 0; w < p.Length; w++)
        {
            vad.IsSpeech(signal.AsSpan(w * 512, 512));
            p[w] = vad.Probability;
        }

        return p;
    }

    private static float MaxProbability(SileroModel model, short[] signal, int rate)
    {
        using var vad = new SileroVoiceActivityDetector(model, rate);
        var window = rate / 1000 * 32;
        var max = 0f;
        for (var w = 0; w < signal.Length / window; w++)
        {
            vad.IsSpeech(signal.AsSpan(w * window, window));
            max = Math.Max(max, vad.Probability);
        }

        return max;
    }
}
