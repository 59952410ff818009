using System.Diagnostics;

namespace VoiceAgent.Providers.Tests;

/// <summary>Makes real speech (and noise) for tests with Debian's flite (or espeak-ng) and sox: PCM16 mono samples.</summary>
public static class TestSpeech
{
    /// <summary>Speaks <paramref name="text"/> with flite's voice <paramref name="voice"/> (kal, slt, rms, awb, ...), resampled to <paramref name="rate"/>.</summary>
    public static short[] Flite(string text, string voice = "slt", int rate = 16_000)
    {
        var dir = Directory.CreateTempSubdirectory("va-speech-");
        try
        {
            var wav = Path.Combine(dir.FullName, "in.wav");
            var raw = Path.Combine(dir.FullName, "out.raw");
            Run("flite", "-voice", voice, "-t", text, "-o", wav);
            Run("sox", "-D", wav, "-r", rate.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", "1", "-b", "16", "-e", "signed-integer", "-t", "raw", raw);
            var bytes = File.ReadAllBytes(raw);
            var samples = new short[bytes.Length / 2];
            Buffer.BlockCopy(bytes, 0, samples, 0, samples.Length * 2);
            return samples;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Audio made by sox alone, e.g. <c>Sox(3, 16_000, "synth", "3", "pinknoise", "vol", "0.1")</c>: sox's effects after <c>-n</c>.</summary>
    public static short[] Sox(int rate, params string[] effects)
    {
        var dir = Directory.CreateTempSubdirectory("va-noise-");
        try
        {
            var raw = Path.Combine(dir.FullName, "out.raw");
            Run("sox", ["-n", "-r", rate.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", "1", "-b", "16", "-e", "signed-integer", "-t", "raw", raw, .. effects]);
            var bytes = File.ReadAllBytes(raw);
            var samples = new short[bytes.Length / 2];
            Buffer.BlockCopy(bytes, 0, samples, 0, samples.Length * 2);
            return samples;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    public static byte[] ToBytes(ReadOnlySpan<short> samples)
    {
        var bytes = new byte[samples.Length * 2];
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples).CopyTo(bytes);
        return bytes;
    }

    private static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(30_000))
        {
            p.Kill();
            throw new TimeoutException($"{file} took over 30 s");
        }

        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed ({p.ExitCode}): {err.Result}");
        }
    }
}
