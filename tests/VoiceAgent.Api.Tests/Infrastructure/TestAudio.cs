using System.Diagnostics;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Api.Tests.Infrastructure;

/// <summary>Real speech for tests, made with Debian's flite and sox.</summary>
public static class TestAudio
{
    /// <summary>A 16 kHz PCM16 mono WAV of flite speaking <paramref name="text"/>.</summary>
    public static byte[] FliteWav(string text, string voice = "slt")
    {
        var dir = Directory.CreateTempSubdirectory("va-test-");
        try
        {
            var raw = Path.Combine(dir.FullName, "flite.wav");
            var wav = Path.Combine(dir.FullName, "16k.wav");
            Run("flite", "-voice", voice, "-t", text, "-o", raw);
            Run("sox", raw, "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", wav);
            return File.ReadAllBytes(wav);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    /// <summary>flite speech as 16 kHz PCM16 samples, with <paramref name="silenceMs"/> of silence after it.</summary>
    public static byte[] FlitePcm(string text, int silenceMs = 0, string voice = "slt")
    {
        var speech = WavFile.Read(FliteWav(text, voice)).Data.ToArray();
        return [.. speech, .. new byte[AudioFormat.Pcm16Mono16k.BytesFor(silenceMs)]];
    }

    private static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit(30_000).ShouldBeTrue($"{file} took over 30 s");
        p.ExitCode.ShouldBe(0, $"{file} failed: {err}");
    }
}
