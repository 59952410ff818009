using System.Buffers;
using BenchmarkDotNet.Attributes;
using VoiceAgent.Api.Telephony;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Providers.Embedded.Soxr;

namespace VoiceAgent.Benchmarks.Telephony;

/// <summary>
/// What a phone call does that a browser call does not, per 20 ms of audio: in, the carrier's µ-law decoded and
/// resampled 8 → 16 kHz (libsoxr, as the VAD stage does for any other rate); out, the agent's 24 kHz speech resampled
/// to 8 kHz, µ-law coded and cut into 40 ms messages (<see cref="PhoneAudioOut"/>). The phone path's added cost to the
/// first audio is one of each (plus base64, which the browser path pays too). Target: well under 2 ms together.
/// </summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "BenchmarkDotNet does not dispose benchmarks: [GlobalCleanup] disposes the fields.")]
public class PhoneCodecBenchmarks
{
    private readonly byte[] _mulaw = new byte[160];
    private readonly byte[] _speech24k = new byte[960];
    private readonly ArrayBufferWriter<short> _resampled = new(1024);
    private IResampler _in = null!;
    private PhoneAudioOut _out = null!;
    private int _sent;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        random.NextBytes(_mulaw);
        var samples = new short[480];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)(6000 * Math.Sin(2 * Math.PI * 220 * i / 24_000.0));
        }

        Pcm16.ToBytes(samples).CopyTo(_speech24k, 0);
        var soxr = new SoxrResamplerFactory();
        _in = soxr.Create(8000, 16_000);
        _out = new PhoneAudioOut(soxr, CarrierAudioFormat.MuLaw8k, framesPerMessage: 2);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _in.Dispose();
        _out.Dispose();
    }

    [Benchmark(Description = "phone in: 20 ms µ-law decoded, 8 → 16 kHz")]
    public int In()
    {
        var pcm = CarrierAudioFormat.MuLaw8k.Decode(_mulaw);
        _resampled.ResetWrittenCount();
        _in.Process(Pcm16.AsSamples(pcm), _resampled);
        return _resampled.WrittenCount;
    }

    [Benchmark(Description = "phone out: 20 ms of 24 kHz speech to 8 kHz µ-law messages")]
    public int Out()
    {
        _out.Write(_speech24k, 24_000, message => _sent += message.Length);
        return _sent;
    }
}
