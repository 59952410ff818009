using System.Diagnostics;

namespace VoiceAgent.Benchmarks;

/// <summary>Speech (and noise) for the console modes: flite's or espeak-ng's voice, converted by sox to 16 kHz PCM16 mono.</summary>
public static class Speech
{
    /// <param name="text">What to say.</param>
    /// <param name="cancellationToken">Stops the synthesis.</param>
    /// <param name="voice">A flite voice (slt, rms, awb, kal), or <c>espeak:VOICE</c> (e.g. <c>espeak:en-us+f3</c>) for espeak-ng.</param>
    public static async Task<byte[]> FliteAsync(string text, CancellationToken cancellationToken, string voice = "slt")
    {
        var dir = Directory.CreateTempSubdirectory("va-bench-");
        try
        {
            var wav = Path.Combine(dir.FullName, "in.wav");
            var raw = Path.Combine(dir.FullName, "out.raw");
            if (voice.StartsWith("espeak:", StringComparison.Ordinal))
            {
                await RunAsync("espeak-ng", ["-v", voice["espeak:".Length..], "-w", wav, text], cancellationToken);
            }
            else
            {
                await RunAsync("flite", ["-voice", voice, "-t", text, "-o", wav], cancellationToken);
            }

            await RunAsync("sox", [wav, "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", "-t", "raw", raw], cancellationToken);
            return await File.ReadAllBytesAsync(raw, cancellationToken);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Audio made by sox alone at 16 kHz PCM16 mono: <paramref name="effects"/> follow <c>-n</c> (e.g. <c>synth 3 pinknoise</c>).</summary>
    public static async Task<byte[]> SoxAsync(IEnumerable<string> effects, CancellationToken cancellationToken)
    {
        var dir = Directory.CreateTempSubdirectory("va-bench-");
        try
        {
            var raw = Path.Combine(dir.FullName, "out.raw");
            await RunAsync("sox", ["-n", "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", "-t", "raw", raw, .. effects], cancellationToken);
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
