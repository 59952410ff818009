using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Asr;
using VoiceAgent.Pipeline.Tts;
using VoiceAgent.Providers.Instant;

namespace VoiceAgent.Providers.Tests.Instant;

public sealed class InstantEngineTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Recogniser_reads_the_audio_to_its_end_and_returns_the_fixed_text()
    {
        using var stt = new InstantSpeechToTextClient("benchmark question");
        using var audio = new MemoryStream(new byte[32_000]);

        var response = await stt.GetTextAsync(audio).WaitAsync(Timeout);

        response.Text.ShouldBe("benchmark question");
        audio.Position.ShouldBe(audio.Length);
        response.EndTime.ShouldBe(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void The_recogniser_reports_that_it_publishes_no_partials()
    {
        using var stt = new InstantSpeechToTextClient();
        SpeechToTextPartials.PublishedBy(stt).ShouldBeFalse();
    }

    [Fact]
    public async Task Streaming_recognition_gives_one_final_update_after_the_stream_ends()
    {
        using var stt = new InstantSpeechToTextClient("hello there");
        using var audio = new MemoryStream(new byte[3_200]);
        var updates = new List<SpeechToTextResponseUpdate>();

        await foreach (var u in stt.GetStreamingTextAsync(audio).WithCancellation(new CancellationTokenSource(Timeout).Token))
        {
            updates.Add(u);
        }

        updates.Select(u => u.Kind).ShouldBe([SpeechToTextResponseUpdateKind.SessionOpen, SpeechToTextResponseUpdateKind.TextUpdated, SpeechToTextResponseUpdateKind.SessionClose]);
        updates[1].Text.ShouldBe("hello there");
    }

    [Fact]
    public async Task Chat_streams_the_fixed_two_sentence_reply_word_by_word()
    {
        using var chat = new InstantChatClient();
        var text = new System.Text.StringBuilder();
        var count = 0;

        await foreach (var u in chat.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "anything")]).WithCancellation(new CancellationTokenSource(Timeout).Token))
        {
            text.Append(u.Text);
            count++;
        }

        text.ToString().Count(c => c == '.').ShouldBe(2);
        count.ShouldBeGreaterThan(5);
        (await chat.GetResponseAsync([new ChatMessage(ChatRole.User, "x")]).WaitAsync(Timeout)).Text.ShouldBe(text.ToString());
    }

    [Fact]
    public async Task Speech_is_a_tone_of_fixed_length_per_word_with_word_timings_first()
    {
        using var tts = new InstantTextToSpeechClient(new InstantEngineOptions { MillisecondsPerWord = 100, OutputSampleRate = 24_000, ChunkMs = 40 });
        var updates = new List<TextToSpeechResponseUpdate>();

        await foreach (var u in tts.GetStreamingAudioAsync("one two three").WithCancellation(new CancellationTokenSource(Timeout).Token))
        {
            updates.Add(u);
        }

        var words = updates[0].Contents.OfType<WordTimingContent>().ToList();
        words.Select(w => w.Text).ShouldBe(["one", "two", "three"]);
        words[2].Start.ShouldBe(TimeSpan.FromMilliseconds(200));
        var audio = updates.SelectMany(u => u.Contents.OfType<DataContent>()).ToList();
        audio.Sum(d => d.Data.Length).ShouldBe(24_000 * 3 / 10 * 2);
        audio[0].MediaType.ShouldBe("audio/pcm;rate=24000;channels=1");
        updates[^1].Kind.ShouldBe(TextToSpeechResponseUpdateKind.AudioUpdated);
        audio.Max(d => d.Data.Length).ShouldBeLessThanOrEqualTo(24_000 * 40 / 1000 * 2);
    }

    [Fact]
    public async Task Every_reply_is_the_same_continuous_tone_from_its_start_however_long()
    {
        // 31 words of 1 s: past the 30 s the engine keeps ready, so both the copied and the computed part are checked.
        using var tts = new InstantTextToSpeechClient(new InstantEngineOptions { MillisecondsPerWord = 1000, OutputSampleRate = 8_000, ChunkMs = 40 });
        foreach (var text in new[] { "short reply", string.Join(' ', Enumerable.Repeat("word", 31)), "a shorter one again" })
        {
            var response = await tts.GetAudioAsync(text).WaitAsync(Timeout);
            var bytes = response.Contents.OfType<DataContent>().Single().Data.ToArray();
            var samples = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(bytes);
            samples.Length.ShouldBe(8_000 * text.Split(' ').Length);
            for (var n = 0; n < samples.Length; n += 997)
            {
                samples[n].ShouldBe((short)(6000 * Math.Sin(2 * Math.PI * 440 / 8_000 * n)), $"sample {n} of a {samples.Length}-sample reply");
            }
        }
    }
}
