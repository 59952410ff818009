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

    /// <summary>
    /// flite speech as a carrier sends it: headerless audio at <paramref name="rate"/> in sox's <paramref name="encoding"/>
    /// (<c>mu-law</c>, <c>a-law</c>, or <c>signed-integer</c> for 16-bit little-endian), then <paramref name="silenceMs"/> of silence.
    /// </summary>
    public static byte[] FliteTelephone(string text, string encoding = "mu-law", int rate = 8000, int silenceMs = 0, string voice = "slt")
    {
        var dir = Directory.CreateTempSubdirectory("va-test-");
        try
        {
            var raw = Path.Combine(dir.FullName, "flite.wav");
            var wire = Path.Combine(dir.FullName, "wire.raw");
            var bits = encoding == "signed-integer" ? 16 : 8;
            var r = rate.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Run("flite", "-voice", voice, "-t", text, "-o", raw);
            Run("sox", raw, "-t", "raw", "-r", r, "-c", "1", "-b", bits.ToString(System.Globalization.CultureInfo.InvariantCulture), "-e", encoding, "-L", wire, "pad", "0", (silenceMs / 1000.0).ToString(System.Globalization.CultureInfo.InvariantCulture));
            return File.ReadAllBytes(wire);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    /// <summary>Rewrites a WAV with sox into the WAV format <paramref name="outputArgs"/> describe (rate, channels, bits, encoding).</summary>
    public static byte[] SoxWav(byte[] wav, params string[] outputArgs)
    {
        var dir = Directory.CreateTempSubdirectory("va-test-");
        try
        {
            var input = Path.Combine(dir.FullName, "in.wav");
            var output = Path.Combine(dir.FullName, "out.wav");
            File.WriteAllBytes(input, wav);
            Run("sox", [input, .. outputArgs, output]);
            return File.ReadAllBytes(output);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    /// <summary>Decodes any audio file with ffmpeg to PCM16 mono at <paramref name="rate"/>; <paramref name="inputArgs"/> describe headerless input.</summary>
    public static short[] Decode(byte[] file, int rate, params string[] inputArgs)
    {
        var dir = Directory.CreateTempSubdirectory("va-test-");
        try
        {
            var input = Path.Combine(dir.FullName, "in");
            var output = Path.Combine(dir.FullName, "out.raw");
            File.WriteAllBytes(input, file);
            Run("ffmpeg", ["-hide_banner", "-loglevel", "error", .. inputArgs, "-i", input, "-f", "s16le", "-ac", "1", "-ar", rate.ToString(System.Globalization.CultureInfo.InvariantCulture), output]);
            return Pcm16.ToSamples(File.ReadAllBytes(output));
        }
        finally
        {
            dir.Delete(true);
        }
    }

    /// <summary>Converts a WAV with ffmpeg into another container/codec named by <paramref name="extension"/> (ogg, mp3, webm, m4a, ...).</summary>
    public static byte[] Convert(byte[] wav, string extension, params string[] outputArgs)
    {
        var dir = Directory.CreateTempSubdirectory("va-test-");
        try
        {
            var input = Path.Combine(dir.FullName, "in.wav");
            var output = Path.Combine(dir.FullName, "out." + extension);
            File.WriteAllBytes(input, wav);
            Run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-i", input, .. outputArgs, output]);
            return File.ReadAllBytes(output);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    /// <summary>What ffprobe says of the first audio stream: codec name and sample rate.</summary>
    public static (string Codec, int SampleRate) Probe(byte[] file)
    {
        var dir = Directory.CreateTempSubdirectory("va-test-");
        try
        {
            var input = Path.Combine(dir.FullName, "in");
            File.WriteAllBytes(input, file);
            var psi = new ProcessStartInfo("ffprobe") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in (string[])["-v", "error", "-select_streams", "a:0", "-show_entries", "stream=codec_name,sample_rate", "-of", "csv=p=0", input])
            {
                psi.ArgumentList.Add(a);
            }

            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEnd().Trim();
            p.StandardError.ReadToEnd();
            p.WaitForExit(30_000).ShouldBeTrue("ffprobe took over 30 s");
            var parts = output.Split(',');
            return (parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            dir.Delete(true);
        }
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
