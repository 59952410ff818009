using System.Diagnostics;

namespace VoiceAgent.Benchmarks;

/// <summary>Speech for the console modes: flite's voice, converted by sox to 16 kHz PCM16 mono.</summary>
public static class Speech
{
    public static async Task<byte[]> FliteAsync(string text, CancellationToken cancellationToken)
    {
        var dir = Directory.CreateTempSubdirectory("va-bench-");
        try
        {
            var wav = Path.Combine(dir.FullName, "in.wav");
            var raw = Path.Combine(dir.FullName, "out.raw");
            await RunAsync("flite", ["-voice", "slt", "-t", text, "-o", wav], cancellationToken);
            await RunAsync("sox", [wav, "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", "-t", "raw", raw], cancellationToken);
            return await File.ReadAllBytesAsync(raw, cancellationToken);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Index of the last sample whose magnitude is over <paramref name="threshold"/>, or -1.</summary>
    public static int LastNonSilentSample(ReadOnlySpan<byte> pcm, int threshold = 300)
    {
        for (var i = pcm.Length / 2 - 1; i >= 0; i--)
        {
            if (Math.Abs((int)(short)(pcm[2 * i] | (pcm[(2 * i) + 1] << 8))) > threshold)
            {
                return i;
            }
        }

        return -1;
    }

    private static async Task RunAsync(string file, string[] args, CancellationToken cancellationToken)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })
            ?? throw new InvalidOperationException($"could not start {file}");
        await p.WaitForExitAsync(cancellationToken);
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed: {await p.StandardError.ReadToEndAsync(cancellationToken)}");
        }
    }
}
