using System.Buffers;
using System.Buffers.Binary;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Pipeline.Tests.Audio;

public class WavFileTests
{
    [Fact]
    public void Round_trip_keeps_format_and_samples()
    {
        var samples = Enumerable.Range(0, 2205).Select(i => (short)(i * 13 - 9000)).ToArray();
        var file = WavFile.Write(new AudioChunk(Pcm16.ToBytes(samples), AudioFormat.Pcm16Mono(22_050)));
        WavFile.LooksLikeWav(file).ShouldBeTrue();
        var read = WavFile.Read(file);
        read.Format.ShouldBe(AudioFormat.Pcm16Mono(22_050));
        Pcm16.ToSamples(read.Data.Span).ShouldBe(samples);
    }

    [Fact]
    public void Float_and_24_bit_files_are_refused_with_a_clear_message()
    {
        var file = WavFile.Write(new AudioChunk(new byte[100], AudioFormat.Pcm16Mono(16_000)));
        var asFloat = file.ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(asFloat.AsSpan(20), 3);
        Should.Throw<InvalidDataException>(() => WavFile.Read(asFloat)).Message.ShouldContain("only PCM");
        var as24 = file.ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(as24.AsSpan(34), 24);
        Should.Throw<InvalidDataException>(() => WavFile.Read(as24)).Message.ShouldContain("24-bit");
    }

    [Fact]
    public void Garbage_and_truncated_files_are_refused()
    {
        Should.Throw<InvalidDataException>(() => WavFile.Read("hello world, not a wav"u8.ToArray()));
        var file = WavFile.Write(new AudioChunk(new byte[100], AudioFormat.Pcm16Mono16k));
        Should.Throw<InvalidDataException>(() => WavFile.Read(file.AsSpan(0, 30)));
    }

    [Fact]
    public void Pcm16_float_conversion_round_trips_and_clamps()
    {
        short[] samples = [0, 1, -1, short.MaxValue, short.MinValue, 12345];
        var f = new float[samples.Length];
        Pcm16.ToFloat(samples, f);
        var back = new short[samples.Length];
        Pcm16.FromFloat(f, back);
        back.ShouldBe(samples);
        Pcm16.FromFloat([2f, -2f, float.NaN], back);
        back[..3].ShouldBe(new short[] { short.MaxValue, short.MinValue, 0 });
        Should.Throw<ArgumentException>(() => Pcm16.AsSamples(new byte[3]));
    }

    [Fact]
    public void Linear_resampler_keeps_rate_exact_across_chunks()
    {
        var input = Enumerable.Range(0, 48_000).Select(i => (short)(10000 * Math.Sin(2 * Math.PI * 440 * i / 48_000))).ToArray();
        var whole = new ArrayBufferWriter<short>();
        new LinearResampler(48_000, 16_000).Process(input, whole);
        var chunked = new ArrayBufferWriter<short>();
        var r = new LinearResampler(48_000, 16_000);
        for (var i = 0; i < input.Length; i += 999)
        {
            r.Process(input.AsSpan(i, Math.Min(999, input.Length - i)), chunked);
        }

        chunked.WrittenSpan.ToArray().ShouldBe(whole.WrittenSpan.ToArray());
        whole.WrittenCount.ShouldBeInRange(15_990, 16_010);
    }
}
