using System.Globalization;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Vad;
using VoiceAgent.Providers.Embedded.Silero;

namespace VoiceAgent.Benchmarks.TurnTaking;

/// <summary>
/// Whether the VAD ends a question's turn while the noise goes on, in process and without a recogniser: the speech-in-noise
/// cases of the turn-taking sets (a question in continuous pink noise at 10/5/0 dB SNR, 8 s of noise after it), each
/// with several fresh draws of the noise (sox's pink noise is random), through Silero with and without the energy gate
/// and the endpointer with the fixed end silence, as the VAD stage runs them. Prints, per case, when the turn ended after
/// the question's last sample (or "never" while the noise went on) and the mean probability of the noise-only windows
/// after it. Usage: <c>noise-end-probe [tune|heldout|fresh|all] [draws]</c>.
/// </summary>
public static class NoiseEndProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        var parts = args.Length > 1 && args[1] != "all" ? [args[1]] : TurnSets.Parts;
        var draws = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 4;
        var options = new VadEndpointerOptions();
        using var model = SileroModel.Load(new SileroVadOptions().ResolvedModelPath);
        Console.WriteLine($"# noise-end-probe {string.Join(',', parts)}, {draws} noise draws per case, load average {Percentiles.LoadAverage()}");
        Console.WriteLine("case | gate | turn ended after the question (ms; never = not within 8 s) per draw | mean p of the noise after the speech");
        var never = new Dictionary<string, int>();
        var total = 0;
        foreach (var part in parts)
        {
            var voices = TurnSets.Voices(part);
            foreach (var snr in TurnSets.SnrDb)
            {
                foreach (var (q, k) in TurnSets.Questions(part).Take(2).Select((q, k) => (q, k)))
                {
                    var voice = voices[k % voices.Length];
                    var question = Clip.FromBytes(await Speech.FliteAsync(q, default, voice)).Trim();
                    var results = new Dictionary<string, List<string>> { ["on"] = [], ["off"] = [] };
                    var noiseP = new Dictionary<string, List<double>> { ["on"] = [], ["off"] = [] };
                    for (var d = 0; d < draws; d++)
                    {
                        var bed = part == "heldout"
                            ? Clip.FromBytes(await Speech.SoxAsync(["synth", "9", "pinknoise", "vol", "0.7"], default))
                            : Clip.FromBytes(await Speech.SoxAsync(["synth", "4", "pinknoise"], default));
                        var noise = bed.Loop(1000 + question.Ms + 8000).AtLevel(20 * Math.Log10(question.Rms() / 32768) - snr);
                        var mixed = noise.Mix(question, 1000);
                        var questionEnd = 1000 + question.Ms;
                        foreach (var gate in new[] { "on", "off" })
                        {
                            using var vad = new SileroVoiceActivityDetector(model, Clip.Rate, energyGateDbfs: gate == "on" ? new SileroVadOptions().EnergyGateDbfs : null);
                            var (endMs, meanP) = EndOfTurn(vad, options, mixed, questionEnd);
                            results[gate].Add(endMs is { } e ? e.ToString("F0", CultureInfo.InvariantCulture) : "never");
                            noiseP[gate].Add(meanP);
                            var key = $"{snr} dB gate {gate}";
                            never[key] = never.GetValueOrDefault(key) + (endMs is null ? 1 : 0);
                        }

                        total++;
                    }

                    foreach (var gate in new[] { "on", "off" })
                    {
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{part} {voice}: {q} at {snr} dB | {gate} | {string.Join(' ', results[gate])} | {noiseP[gate].Average():F2}"));
                    }
                }
            }
        }

        foreach (var (key, n) in never.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"{key}: turn never ended in {n} of {total / TurnSets.SnrDb.Length} draws");
        }

        return 0;
    }

    /// <summary>The VAD stage's per-window decisions (detector, energy end gate, endpointer with the fixed end silence).</summary>
    private static (double? EndMs, double MeanNoiseP) EndOfTurn(SileroVoiceActivityDetector vad, VadEndpointerOptions options, Clip mixed, double questionEnd)
    {
        var frameBytes = vad.FrameMs * Clip.Rate / 1000 * 2;
        var endpointer = new VadEndpointer(options, frameBytes, vad.FrameMs);
        var endGate = new SpeechEndGate();
        var bytes = mixed.ToBytes();
        var window = vad.FrameMs * Clip.Rate / 1000;
        double? end = null;
        double pSum = 0;
        var pCount = 0;
        for (var i = 0; (i + 1) * window <= mixed.Samples.Length; i++)
        {
            var samples = mixed.Samples.AsSpan(i * window, window);
            var isSpeech = vad.IsSpeech(samples);
            var at = (i + 1) * vad.FrameMs;
            if (at > questionEnd + 300)
            {
                pSum += vad.Probability;
                pCount++;
            }

            if (endpointer.InSpeech)
            {
                isSpeech = endGate.IsSpeech(isSpeech, Pcm16.Rms(samples));
            }

            var e = endpointer.Process(bytes.AsSpan(i * frameBytes, frameBytes), isSpeech, agentActive: false);
            if (e == EndpointerEvent.SpeechStarted)
            {
                endGate.Reset();
            }

            if (e == EndpointerEvent.SpeechEnded && at > questionEnd - 300 && end is null)
            {
                end = at - questionEnd;
            }
        }

        return (end, pCount == 0 ? 0 : pSum / pCount);
    }
}
