using System.Globalization;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Providers.Ffmpeg;

/// <summary>Decodes any audio file ffmpeg knows (flac, mp3, mp4/m4a, ogg, webm, wav, ...) to PCM16 mono at one rate.</summary>
/// <remarks>
/// The upload goes to a temporary file, not a pipe: MP4 and M4A usually keep their index (moov) at the end, which ffmpeg
/// can only reach by seeking. The first audio stream is decoded; video is ignored. At most <c>maxDuration</c> plus one
/// second is decoded, so a long file costs no more than the longest accepted one.
/// </remarks>
public static class FfmpegDecoder
{
    /// <exception cref="InvalidDataException">ffmpeg cannot read it as audio; the message carries ffmpeg's reason.</exception>
    public static async Task<short[]> DecodeAsync(ReadOnlyMemory<byte> file, int sampleRate, TimeSpan maxDuration, CancellationToken cancellationToken = default)
    {
        var dir = Directory.CreateTempSubdirectory("voiceagent-upload-");
        try
        {
            var input = Path.Combine(dir.FullName, "upload");
            await File.WriteAllBytesAsync(input, file, cancellationToken).ConfigureAwait(false);
            string[] args =
            [
                "-nostdin", "-i", input, "-map", "0:a:0", "-vn", "-t", (maxDuration.TotalSeconds + 1).ToString("0.###", CultureInfo.InvariantCulture),
                "-f", "s16le", "-ac", "1", "-ar", sampleRate.ToString(CultureInfo.InvariantCulture), "pipe:1",
            ];
            await using var ffmpeg = FfmpegProcess.Start(args);
            ffmpeg.Input.Close();
            using var pcm = new MemoryStream();
            await ffmpeg.Output.CopyToAsync(pcm, cancellationToken).ConfigureAwait(false);
            var (exitCode, errors) = await ffmpeg.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (exitCode != 0)
            {
                throw new InvalidDataException($"The file could not be decoded as audio: {FirstLine(errors)}");
            }

            return Pcm16.ToSamples(pcm.GetBuffer().AsSpan(0, (int)pcm.Length & ~1));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    // ffmpeg names the temporary path in its messages: keep only the reason.
    private static string FirstLine(string errors)
    {
        var line = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "unknown format";
        var colon = line.LastIndexOf(": ", StringComparison.Ordinal);
        return colon >= 0 && line.Contains("upload", StringComparison.Ordinal) ? line[(colon + 2)..] : line;
    }
}
