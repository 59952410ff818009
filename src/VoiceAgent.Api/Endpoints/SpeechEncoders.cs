using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Providers.Embedded.Flac;
using VoiceAgent.Providers.Embedded.Lame;
using VoiceAgent.Providers.Embedded.Opus;
using VoiceAgent.Providers.Ffmpeg;

namespace VoiceAgent.Api.Endpoints;

/// <summary>The streaming encoder for each of OpenAI's speech formats, all from PCM16 mono at <see cref="SampleRate"/>.</summary>
/// <remarks>
/// mp3 (the default, so the one most clients get) is encoded in process by LAME, flac by libFLAC and opus by libopus; aac goes
/// through the ffmpeg program, kept warm by <see cref="FfmpegEncoderPool"/> (see <see cref="FfmpegEncoder"/> for why); wav and pcm need no codec.
/// </remarks>
internal static class SpeechEncoders
{
    /// <summary>OpenAI's speech rate: its pcm is 16-bit little-endian mono at 24 kHz, and its other formats carry 24 kHz audio too.</summary>
    public const int SampleRate = 24_000;

    private const int Mp3KilobitsPerSecond = 64; // MPEG-2 layer III at 24 kHz; plenty for one voice
    private const int OpusBitsPerSecond = 32_000; // as the ffmpeg route had it: clear speech at a quarter of mp3's rate

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The encoder is returned: the caller owns and disposes it.")]
    public static async ValueTask<IAudioEncoder> CreateAsync(string responseFormat, Stream output, FfmpegEncoderPool ffmpeg, string opusEncoder = "libopus") => responseFormat switch
    {
        "mp3" => new LameMp3Encoder(SampleRate, Mp3KilobitsPerSecond, output),
        "flac" => new FlacEncoder(SampleRate, output),
        "opus" when opusEncoder != "ffmpeg" => new OggOpusEncoder(SampleRate, OpusBitsPerSecond, output),
        "opus" or "aac" => await ffmpeg.RentAsync(responseFormat, output),
        "wav" => PcmStreamEncoder.Wav(AudioFormat.Pcm16Mono(SampleRate), output),
        "pcm" => PcmStreamEncoder.Raw(AudioFormat.Pcm16Mono(SampleRate), output),
        _ => throw new ArgumentOutOfRangeException(nameof(responseFormat), responseFormat, "Not one of OpenAI's speech formats."),
    };
}
