using System.Globalization;

namespace VoiceAgent.Pipeline.Audio;

/// <summary>The shape of a PCM stream: sample rate, channel count and bits per sample.</summary>
public readonly record struct AudioFormat(int SampleRate, int Channels = 1, int BitsPerSample = 16)
{
    /// <summary>PCM16 mono at 16 kHz: what clients send and what the service speaks by default.</summary>
    public static AudioFormat Pcm16Mono16k { get; } = new(16_000);

    public static AudioFormat Pcm16Mono(int sampleRate) => new(sampleRate);

    public int BytesPerSample => BitsPerSample / 8;

    public int BlockAlign => BytesPerSample * Channels;

    public int BytesPerSecond => SampleRate * BlockAlign;

    /// <summary>Bytes in <paramref name="milliseconds"/> of audio, rounded down to whole sample frames.</summary>
    public int BytesFor(int milliseconds) => (int)((long)SampleRate * milliseconds / 1000) * BlockAlign;

    public int SamplesFor(int milliseconds) => (int)((long)SampleRate * milliseconds / 1000);

    public TimeSpan DurationOf(int byteCount) =>
        TimeSpan.FromTicks((long)byteCount / BlockAlign * TimeSpan.TicksPerSecond / SampleRate);

    /// <summary>The media type used on <c>DataContent</c>: <c>audio/pcm;rate=16000;channels=1</c> (16-bit little-endian).</summary>
    public string ToMediaType() => string.Create(CultureInfo.InvariantCulture, $"audio/pcm;rate={SampleRate};channels={Channels}");

    /// <summary>Parses what <see cref="ToMediaType"/> writes; missing parameters take the defaults given.</summary>
    public static bool TryParseMediaType(string? mediaType, out AudioFormat format, int defaultRate = 16_000)
    {
        format = default;
        if (mediaType is null)
        {
            return false;
        }

        // Read in place (every chunk of a reply carries its media type): the parts as Split with trimming would give them.
        var text = mediaType.AsSpan();
        var typeSeen = false;
        int rate = defaultRate, channels = 1;
        foreach (var range in text.Split(';'))
        {
            var p = text[range].Trim();
            if (p.IsEmpty)
            {
                continue;
            }

            if (!typeSeen)
            {
                if (!(p.Equals("audio/pcm", StringComparison.OrdinalIgnoreCase) || p.Equals("audio/l16", StringComparison.OrdinalIgnoreCase)))
                {
                    return false;
                }

                typeSeen = true;
                continue;
            }

            var eq = p.IndexOf('=');
            if (eq < 0)
            {
                continue;
            }

            var key = p[..eq];
            if (!int.TryParse(p[(eq + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value <= 0)
            {
                return false;
            }

            if (key.Equals("rate", StringComparison.OrdinalIgnoreCase))
            {
                rate = value;
            }
            else if (key.Equals("channels", StringComparison.OrdinalIgnoreCase))
            {
                channels = value;
            }
        }

        if (!typeSeen)
        {
            return false;
        }

        format = new AudioFormat(rate, channels);
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{SampleRate} Hz, {Channels} ch, {BitsPerSample}-bit");
}
