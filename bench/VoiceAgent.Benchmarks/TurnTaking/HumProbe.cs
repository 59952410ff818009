using System.Globalization;
using VoiceAgent.Providers.Embedded.Silero;

namespace VoiceAgent.Benchmarks.TurnTaking;

/// <summary>
/// The acoustic shape of backchannels against short interruptions, in process: for each phrase said by a part's voices,
/// over the windows Silero calls speech, the speech time, the level spread of the first 16 speech windows, and the
/// brightness of each window (the energy of the sample-to-sample difference over the energy: low for a hum through
/// the nose, high for the bursts and hiss of consonants), as the share of windows at or over <see cref="HumShape.BrightWindow"/>.
/// Usage: <c>hum-probe [tune|heldout|fresh|unseen]</c>.
/// </summary>
internal static class HumProbe
{
    public static readonly string[] Backchannels = ["uh huh", "mm hmm", "yeah", "okay", "right", "yes", "sure", "i see", "got it", "yep", "alright", "hmm", "mhm", "wow", "really"];

    public static readonly string[] Interruptions = ["stop", "wait", "no", "hold on", "stop please", "wait a moment", "what time is it", "no that's wrong", "excuse me", "sorry", "actually", "hold on a second", "can you repeat that"];

    public static async Task<int> RunAsync(string[] args)
    {
        var part = args.Length > 1 ? args[1] : "tune";
        using var model = SileroModel.Load(new SileroVadOptions().ResolvedModelPath);
        Console.WriteLine($"# hum-probe {part}, load average {Percentiles.LoadAverage()}");
        Console.WriteLine("voice | kind | phrase | speech ms | level spread dB | bright windows share | hum-like");
        foreach (var voice in TurnSets.Voices(part))
        {
            foreach (var (kind, phrases) in new[] { ("backchannel", Backchannels), ("interruption", Interruptions) })
            {
                foreach (var phrase in phrases)
                {
                    var clip = Clip.FromBytes(await Speech.FliteAsync(phrase, default, voice)).Trim();
                    using var vad = new SileroVoiceActivityDetector(model, Clip.Rate);
                    var shape = new HumShape();
                    var padded = Clip.Concat(Clip.Silence(300), clip, Clip.Silence(300)).Samples;
                    var speechWindows = 0;
                    for (var at = 0; at + 512 <= padded.Length; at += 512)
                    {
                        var window = padded.AsSpan(at, 512);
                        if (vad.IsSpeech(window))
                        {
                            speechWindows++;
                            shape.Add(window);
                        }
                    }

                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{voice} | {kind} | {phrase} | {speechWindows * 32} | {shape.LevelSpreadDb:F1} | {shape.BrightShare:F2} | {(shape.HumLike ? "yes" : "")}"));
                }
            }
        }

        return 0;
    }
}
