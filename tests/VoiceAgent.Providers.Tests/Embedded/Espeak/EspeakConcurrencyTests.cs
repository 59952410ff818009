using Microsoft.Extensions.AI;
using static VoiceAgent.Providers.Tests.Embedded.Espeak.EspeakTestAudio;

namespace VoiceAgent.Providers.Tests.Embedded.Espeak;

public sealed class EspeakConcurrencyTests
{
    private const string English = "The quick brown fox jumps over the lazy dog.";

    [Fact]
    public async Task Eight_concurrent_syntheses_all_succeed_and_match_a_serial_one()
    {
        using var client = CreateClient();
        await client.GetAudioAsync(English).WaitAsync(TestTimeout);
        var serial = Samples(await client.GetAudioAsync(English).WaitAsync(TestTimeout));

        var parallel = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => client.GetAudioAsync(English)))).WaitAsync(TestTimeout);

        // eSpeak's pauses vary by a few ms with what it spoke before (other tests run alongside), hence the 100 ms tolerance;
        // unlocked concurrent use crashes the process or produces audio of very different lengths.
        foreach (var response in parallel)
        {
            var samples = Samples(response);
            samples.Length.ShouldBeInRange(serial.Length - 1600, serial.Length + 1600);
            Rms(samples).ShouldBeGreaterThan(1000);
            Words(response).Count.ShouldBe(9);
        }
    }

    [Fact]
    public async Task Concurrent_English_and_Mandarin_keep_their_own_voices()
    {
        using var client = CreateClient();
        var en = new TextToSpeechOptions { VoiceId = "en" };
        var zh = new TextToSpeechOptions { VoiceId = "cmn" };

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            client.GetAudioAsync(i % 2 == 0 ? English : "你好，今天天气很好。", i % 2 == 0 ? en : zh)))).WaitAsync(TestTimeout);

        for (var i = 0; i < results.Length; i++)
        {
            Words(results[i]).Count.ShouldBe(i % 2 == 0 ? 9 : 8);
        }
    }
}
