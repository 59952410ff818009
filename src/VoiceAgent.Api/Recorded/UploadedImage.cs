namespace VoiceAgent.Api.Recorded;

/// <summary>An uploaded image and its media type, recognised from its first bytes (PNG, JPEG, GIF, WebP).</summary>
public sealed record UploadedImage(byte[] Data, string MediaType, string Extension)
{
    /// <summary>Recognises the image; throws <see cref="InvalidDataException"/> for anything else.</summary>
    public static UploadedImage Recognise(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        ReadOnlySpan<byte> d = data;
        if (d.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return new(data, "image/png", "png");
        }

        if (d.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return new(data, "image/jpeg", "jpg");
        }

        if (d.StartsWith("GIF87a"u8) || d.StartsWith("GIF89a"u8))
        {
            return new(data, "image/gif", "gif");
        }

        if (d.Length >= 12 && d[..4].SequenceEqual("RIFF"u8) && d.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return new(data, "image/webp", "webp");
        }

        throw new InvalidDataException("The image is not a PNG, JPEG, GIF or WebP file.");
    }
}
