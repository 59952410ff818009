using System.Buffers;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Providers.Embedded.Soxr;
using Xunit.Abstractions;

namespace VoiceAgent.Providers.Tests.Embedded.Soxr;

public sealed class SoxrResamplerTests(ITestOutputHelper log)
{
    private const double Amplitude = 10_000;

    [Fact]
    public void Library_is_available()
    {
        SoxrResamplerFactory.CheckAvailable().ShouldBeNull();
    }

    [Theory]
    [InlineData(22_050, 16_000)]
    [InlineData(48_000, 16_000)]
    [InlineData(16_000, 48_000)]
    [InlineData(8_000, 16_000)]
    public void A_1_kHz_sine_keeps_its_frequency_and_level(int inputRate, int outputRate)
    {
        var input = Tone.Sine(1_000, Amplitude, inputRate, seconds: 2);
        var output = ResampleWhole(inputRate, outputRate, input);

        // Skip the filter's ramp at both ends: 0.1 s is far beyond its length.
        var steady = output.AsSpan(outputRate / 10, output.Length - (outputRate / 5));
        var frequency = Tone.FrequencyByZeroCrossings(steady, outputRate);
        var rms = Tone.Rms(steady);
        log.WriteLine($"{inputRate} → {outputRate}: {frequency:F3} Hz, RMS {rms:F1} (expected {Amplitude / Math.Sqrt(2):F1})");

        frequency.ShouldBe(1_000, tolerance: 1);
        rms.ShouldBe(Amplitude / Math.Sqrt(2), tolerance: Amplitude / Math.Sqrt(2) * 0.02);
    }

    [Theory]
    [InlineData(22_050, 16_000)]
    [InlineData(48_000, 16_000)]
    public void Output_length_after_flush_matches_the_rate_ratio(int inputRate, int outputRate)
    {
        var input = Tone.Sine(1_000, Amplitude, inputRate, seconds: 3);
        var output = ResampleWhole(inputRate, outputRate, input);
        var expected = (double)input.Length * outputRate / inputRate;
        log.WriteLine($"{inputRate} → {outputRate}: {output.Length} samples, expected {expected:F1}");
        output.Length.ShouldBeInRange((int)expected - 200, (int)expected + 200);
    }

    [Theory]
    [InlineData(22_050, 16_000, 1)]
    [InlineData(22_050, 16_000, 2)]
    [InlineData(48_000, 16_000, 3)]
    public void Chunked_and_whole_outputs_are_identical(int inputRate, int outputRate, int seed)
    {
        // Speech-like material (two tones plus noise) exercises the filter better than a pure tone.
        var random = new Random(seed);
        var input = Tone.Sine(440, 6_000, inputRate, seconds: 2);
        var overtone = Tone.Sine(3_100, 3_000, inputRate, seconds: 2);
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (short)Math.Clamp(input[i] + overtone[i] + random.Next(-500, 500), short.MinValue, short.MaxValue);
        }

        var whole = ResampleWhole(inputRate, outputRate, input);

        var chunked = new ArrayBufferWriter<short>();
        using (var resampler = new SoxrResampler(inputRate, outputRate))
        {
            var at = 0;
            while (at < input.Length)
            {
                var size = Math.Min(random.Next(0, 3_000), input.Length - at);
                resampler.Process(input.AsSpan(at, size), chunked);
                at += size;
            }

            resampler.Flush(chunked);
        }

        chunked.WrittenCount.ShouldBe(whole.Length);
        chunked.WrittenSpan.SequenceEqual(whole).ShouldBeTrue();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_writer_reset_per_20_ms_chunk_gives_the_same_samples_as_one_big_chunk(bool stingyWriter)
    {
        // As a live caller uses it: one writer for the stream, reset before each chunk and read out after it. The stingy
        // writer hands out 7 samples at a time, so soxr's output must be collected over many calls per chunk.
        var input = Tone.Sine(440, 6_000, 8_000, seconds: 3);
        var whole = ResampleWhole(8_000, 16_000, input);

        IBufferWriter<short> writer = stingyWriter ? new StingyWriter(7) : new ArrayBufferWriter<short>();
        var collected = new List<short>();
        using (var resampler = new SoxrResampler(8_000, 16_000))
        {
            for (var at = 0; at < input.Length; at += 160)
            {
                Reset(writer);
                resampler.Process(input.AsSpan(at, Math.Min(160, input.Length - at)), writer);
                collected.AddRange(Written(writer));
            }

            Reset(writer);
            resampler.Flush(writer);
            collected.AddRange(Written(writer));
        }

        collected.Count.ShouldBe(whole.Length);
        collected.SequenceEqual(whole).ShouldBeTrue();

        static void Reset(IBufferWriter<short> w)
        {
            if (w is ArrayBufferWriter<short> a)
            {
                a.ResetWrittenCount();
            }
            else
            {
                ((StingyWriter)w).Reset();
            }
        }

        static ReadOnlySpan<short> Written(IBufferWriter<short> w) => w is ArrayBufferWriter<short> a ? a.WrittenSpan : ((StingyWriter)w).WrittenSpan;
    }

    [Fact]
    public void An_input_converter_at_8_kHz_allocates_nothing_per_chunk_once_warm()
    {
        // The hottest caller: every phone call's 20 ms frames, 8 → 16 kHz, 50 a second for the whole call.
        var tone = Pcm16.ToBytes(Tone.Sine(440, 6_000, 8_000, seconds: 4));
        var chunks = new AudioChunk[tone.Length / 320];
        for (var i = 0; i < chunks.Length; i++)
        {
            chunks[i] = new AudioChunk(tone.AsMemory(i * 320, 320), AudioFormat.Pcm16Mono(8_000));
        }

        using var converter = new InputConverter(new SoxrResamplerFactory(), 16_000);
        long produced = 0;
        for (var i = 0; i < 50; i++)
        {
            produced += converter.Convert(chunks[i]).Length; // warm-up: the resampler and the writer's buffer are made here
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 50; i < chunks.Length; i++)
        {
            produced += converter.Convert(chunks[i]).Length;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        log.WriteLine($"{chunks.Length - 50} chunks after warm-up: {allocated} bytes allocated, {produced} bytes out");
        allocated.ShouldBe(0);
        produced.ShouldBeInRange(tone.Length * 2 - 4_000, tone.Length * 2);
    }

    [Fact]
    public void An_empty_chunk_does_not_end_the_stream()
    {
        var input = Tone.Sine(1_000, Amplitude, 22_050, seconds: 1);
        var whole = ResampleWhole(22_050, 16_000, input);

        var output = new ArrayBufferWriter<short>();
        using var resampler = new SoxrResampler(22_050, 16_000);
        resampler.Process(input.AsSpan(0, 10_000), output);
        resampler.Process([], output);
        resampler.Process(input.AsSpan(10_000), output);
        resampler.Flush(output);

        output.WrittenSpan.ToArray().ShouldBe(whole);
    }

    [Fact]
    public void Tones_above_the_output_nyquist_are_filtered_out_not_aliased()
    {
        // 12 kHz cannot exist at 16 kHz; a resampler without an anti-alias filter would fold it to 4 kHz at full level.
        var input = Tone.Sine(12_000, Amplitude, 48_000, seconds: 1);
        var output = ResampleWhole(48_000, 16_000, input);
        var rms = Tone.Rms(output.AsSpan(1_600, output.Length - 3_200));
        log.WriteLine($"12 kHz through 48 k → 16 k: RMS {rms:F2}");
        rms.ShouldBeLessThan(Amplitude / Math.Sqrt(2) / 100); // at least 40 dB down
    }

    [Fact]
    public void Equal_rates_pass_samples_through()
    {
        var input = Tone.Sine(1_000, Amplitude, 16_000, seconds: 0.5);
        ResampleWhole(16_000, 16_000, input).ShouldBe(input);
    }

    [Theory]
    [InlineData(0, 16_000)]
    [InlineData(16_000, 0)]
    [InlineData(-8_000, 16_000)]
    public void Non_positive_rates_throw(int inputRate, int outputRate)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new SoxrResampler(inputRate, outputRate));
    }

    [Fact]
    public void Process_after_flush_throws()
    {
        using var resampler = new SoxrResampler(22_050, 16_000);
        var output = new ArrayBufferWriter<short>();
        resampler.Process(new short[441], output);
        resampler.Flush(output);
        Should.Throw<InvalidOperationException>(() => resampler.Process(new short[441], output));
        Should.Throw<InvalidOperationException>(() => resampler.Flush(output));
    }

    [Fact]
    public void Use_after_dispose_throws()
    {
        var resampler = new SoxrResampler(22_050, 16_000);
        resampler.Dispose();
        resampler.Dispose(); // idempotent
        Should.Throw<ObjectDisposedException>(() => resampler.Process(new short[441], new ArrayBufferWriter<short>()));
    }

    [Fact]
    public void Factory_creates_soxr_resamplers_with_the_requested_rates()
    {
        using var resampler = new SoxrResamplerFactory().Create(22_050, 16_000);
        resampler.ShouldBeOfType<SoxrResampler>();
        resampler.InputRate.ShouldBe(22_050);
        resampler.OutputRate.ShouldBe(16_000);
    }

    private static short[] ResampleWhole(int inputRate, int outputRate, short[] input)
    {
        using IResampler resampler = new SoxrResampler(inputRate, outputRate);
        var output = new ArrayBufferWriter<short>();
        resampler.Process(input, output);
        resampler.Flush(output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>A writer that never offers more than <c>limit</c> samples per span, whatever size is asked for.</summary>
    private sealed class StingyWriter(int limit) : IBufferWriter<short>
    {
        private short[] _buffer = new short[limit];
        private int _written;

        public ReadOnlySpan<short> WrittenSpan => _buffer.AsSpan(0, _written);

        public void Reset() => _written = 0;

        public void Advance(int count) => _written += count <= limit ? count : throw new ArgumentOutOfRangeException(nameof(count));

        public Memory<short> GetMemory(int sizeHint = 0)
        {
            if (_buffer.Length - _written < limit)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _written + limit));
            }

            return _buffer.AsMemory(_written, limit);
        }

        public Span<short> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }
}
