using System.Text.Json;
using VoiceAgent.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace VoiceAgent.Api.Tests.VoiceCall;

/// <summary>
/// Other people talking near the microphone, on the real host with the embedded engines: the recogniser hears words in
/// the babble, but unsure ones, so with the confidence gate on the turn gets no reply; the clear question after it is answered.
/// </summary>
public sealed class BabbleTests(ITestOutputHelper output)
{
    private static readonly TimeSpan LongWait = TimeSpan.FromSeconds(90);

    // Four quiet flite talkers (not the benchmark's sentences), each starting 700 ms after the one before.
    private static readonly (string Voice, string Text)[] Talkers =
    [
        ("rms", "the train was late again so we took a taxi to the hotel"),
        ("awb", "my sister planted tomatoes and beans behind the old garage"),
        ("kal", "they say the new library opens at the end of the summer"),
        ("slt", "he forgot his umbrella and walked home in the pouring rain"),
    ];

    [Fact]
    public async Task Babble_in_the_background_gets_no_reply_and_a_clear_question_after_it_is_answered()
    {
        // The gate is off by default (see the README's "Babble"); this is the setting it was tuned to.
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?> { ["VoiceAgent:Pipeline:Llm:Confidence:MinConfidence"] = "0.45" });
        await using var call = await VoiceCallClient.ConnectAsync(host);

        // The babble's final first (a loaded machine's recogniser can take seconds), so it is not a stale turn's when it
        // comes: then only the gate can keep it from being answered.
        await call.StreamAsync("babble", [.. Pcm(Babble(seconds: 4, dbfs: -30)), .. new byte[32 * 1500]]);
        var heard = await call.WaitForAsync("asr", a => a.GetProperty("final").GetBoolean(), LongWait);
        var babbleTurn = heard.Json!.Value.GetProperty("turn_id").GetInt64();
        await call.StreamAsync("babble", TestAudio.FlitePcm("what is twelve times seven", silenceMs: 2500));

        // The question's turn_end (a turn whose final heard "twelve").
        var end = await call.WaitForAsync(
            "turn_end",
            j => call.Json("asr").Any(a => a.GetProperty("final").GetBoolean() && a.GetProperty("turn_id").GetInt64() == j.GetProperty("turn_id").GetInt64()
                && a.GetProperty("msg").GetString()!.Contains("twelve", StringComparison.Ordinal)),
            LongWait);
        var answered = end.Json!.Value.GetProperty("turn_id").GetInt64();
        answered.ShouldNotBe(babbleTurn);

        List<JsonElement> finals;
        lock (call.All)
        {
            finals = [.. call.Json("asr").Where(a => a.GetProperty("final").GetBoolean())];
        }

        foreach (var f in finals)
        {
            output.WriteLine($"final of turn {f.GetProperty("turn_id")}: \"{f.GetProperty("msg")}\"");
        }

        // The babble was heard as a turn of its own, with words, and its final still went to the client.
        heard.Json!.Value.GetProperty("msg").GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBeGreaterThanOrEqualTo(6, call.Describe());

        // No reply to it: every text frame (each sentence the agent speaks) is the question's.
        var texts = call.Json("text").ToList();
        texts.ShouldNotBeEmpty(call.Describe());
        texts.ShouldAllBe(t => t.GetProperty("turn_id").GetInt64() == answered, call.Describe());
        string.Concat(texts.Select(t => t.GetProperty("msg").GetString())).ShouldContain("84", customMessage: call.Describe());
        finals.Single(f => f.GetProperty("turn_id").GetInt64() == answered).GetProperty("msg").GetString()!.ShouldContain("twelve");
        call.All.ShouldContain(r => r.Binary != null, call.Describe());
    }

    /// <summary>The talkers mixed, each looped to <paramref name="seconds"/>, the mix scaled to <paramref name="dbfs"/> RMS.</summary>
    private static short[] Babble(int seconds, double dbfs)
    {
        var mix = new double[seconds * 16_000];
        var offset = 0;
        foreach (var (voice, text) in Talkers)
        {
            var talker = Samples(TestAudio.FlitePcm(text, voice: voice));
            for (var i = 0; i < mix.Length; i++)
            {
                mix[i] += talker[(i + offset) % talker.Length];
            }

            offset += 16_000 * 7 / 10;
        }

        var rms = Math.Sqrt(mix.Average(s => s * s));
        var gain = 32768 * Math.Pow(10, dbfs / 20) / Math.Max(1e-9, rms);
        return [.. mix.Select(s => (short)Math.Clamp(s * gain, short.MinValue, short.MaxValue))];
    }

    private static short[] Samples(byte[] pcm)
    {
        var s = new short[pcm.Length / 2];
        Buffer.BlockCopy(pcm, 0, s, 0, s.Length * 2);
        return s;
    }

    private static byte[] Pcm(short[] samples)
    {
        var b = new byte[samples.Length * 2];
        Buffer.BlockCopy(samples, 0, b, 0, b.Length);
        return b;
    }
}
