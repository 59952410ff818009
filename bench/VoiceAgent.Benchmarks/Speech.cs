using System.Diagnostics;

namespace VoiceAgent.Benchmarks;

/// <summary>Speech (and noise) for the console modes: flite's or espeak-ng's voice, converted by sox to 16 kHz PCM16 mono.</summary>
public static class Speech
{
    /// <param name="text">What to say.</param>
    /// <param name="cancellationToken">Stops the synthesis.</param>
    /// <param name="voice">A flite voice (slt, rms, awb, kal), or <c>espeak:VOICE</c> (e.g. <c>espeak:en-us+f3</c>) for espeak-ng.</param>
    public static Task<byte[]> FliteAsync(string text, CancellationToken cancellationToken, string voice = "slt") =>
        voice.StartsWith("espeak:", StringComparison.Ordinal)
            ? SynthesizeAsync("espeak-ng", voice["espeak:".Length..], text, telephone: false, cancellationToken)
            : SynthesizeAsync("flite", voice, text, telephone: false, cancellationToken);

    /// <summary>
    /// <paramref name="text"/> spoken by <paramref name="engine"/> (<c>flite</c> or <c>espeak-ng</c>) with <paramref name="voice"/>,
    /// as 16 kHz PCM16, or with <paramref name="telephone"/> as 8 kHz PCM16 that went through G.711 µ-law and back.
    /// </summary>
    public static async Task<byte[]> SynthesizeAsync(string engine, string voice, string text, bool telephone, CancellationToken cancellationToken)
    {
        var dir = Directory.CreateTempSubdirectory("va-bench-");
        try
        {
            var wav = Path.Combine(dir.FullName, "in.wav");
            string[] args = engine == "flite" ? ["-voice", voice, "-t", text, "-o", wav] : ["-v", voice, "-w", wav, text];
            await RunAsync(engine, args, cancellationToken);
            return await ConvertAsync(wav, telephone, cancellationToken);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>A sound file as 16 kHz PCM16 mono, or with <paramref name="telephone"/> as 8 kHz PCM16 after a µ-law round trip.</summary>
    public static async Task<byte[]> ConvertAsync(string file, bool telephone, CancellationToken cancellationToken)
    {
        var dir = Directory.CreateTempSubdirectory("va-bench-");
        try
        {
            var raw = Path.Combine(dir.FullName, "out.raw");
            if (file.EndsWith(".raw", StringComparison.Ordinal))
            {
                // Headerless: PocketSphinx's test data is 16 kHz PCM16 mono.
                var wav = Path.Combine(dir.FullName, "in.wav");
                await RunAsync("sox", ["-D", "-t", "raw", "-r", "16000", "-e", "signed-integer", "-b", "16", "-c", "1", file, wav], cancellationToken);
                file = wav;
            }

            if (telephone)
            {
                var ulaw = Path.Combine(dir.FullName, "tel.ul");
                await RunAsync("sox", ["-D", file, "-r", "8000", "-c", "1", "-e", "u-law", "-t", "ul", ulaw], cancellationToken);
                await RunAsync("sox", ["-D", "-r", "8000", "-c", "1", "-e", "u-law", "-t", "ul", ulaw, "-b", "16", "-e", "signed-integer", "-t", "raw", raw], cancellationToken);
            }
            else
            {
                await RunAsync("sox", ["-D", file, "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", "-t", "raw", raw], cancellationToken);
            }

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
