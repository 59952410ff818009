using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Tts;
using VoiceAgent.Providers.Embedded.Espeak;
using static VoiceAgent.Providers.Tests.Embedded.Espeak.EspeakTestAudio;

namespace VoiceAgent.Providers.Tests.Embedded.Espeak;

public sealed class EspeakTextToSpeechClientTests
{
    private const string English = "The quick brown fox jumps over the lazy dog.";
    private const string Mandarin = "你好，今天天气很好。";

    // eSpeak's silence is near digital zero; speech sits in the thousands.
    private const double SilenceRms = 50;

    [Fact]
    public void Is_available_on_this_machine() => EspeakTextToSpeechClient.CheckAvailable().ShouldBeNull();

    [Theory]
    [InlineData("en", English)]
    [InlineData("en-us", English)]
    [InlineData("cmn", Mandarin)]
    [InlineData("zh", Mandarin)]
    public async Task Speaks_audible_audio_of_plausible_length(string voice, string text)
    {
        using var client = CreateClient();

        var response = await client.GetAudioAsync(text, new TextToSpeechOptions { VoiceId = voice }).WaitAsync(TestTimeout);

        response.Contents.OfType<DataContent>().Single().MediaType.ShouldBe("audio/pcm;rate=16000;channels=1");
        var samples = Samples(response);
        (samples.Length / 16_000.0).ShouldBeInRange(0.5, 5);
        Rms(samples).ShouldBeGreaterThan(20 * SilenceRms);
    }

    [Fact]
    public async Task Each_voice_really_is_selected()
    {
        using var client = CreateClient();

        var mandarin = Samples(await client.GetAudioAsync(Mandarin, new TextToSpeechOptions { VoiceId = "cmn" }).WaitAsync(TestTimeout));
        var english = Samples(await client.GetAudioAsync(Mandarin, new TextToSpeechOptions { VoiceId = "en" }).WaitAsync(TestTimeout));

        // Were the switch to fail silently, one voice would read both; English spells out each Chinese character
        // ("Chinese letter ..."), so the two voices give audio of very different lengths for the same text.
        Math.Abs(english.Length - mandarin.Length).ShouldBeGreaterThan(mandarin.Length / 3, $"cmn {mandarin.Length}, en {english.Length}");
    }

    [Fact]
    public async Task English_word_timings_name_each_word_in_order()
    {
        using var client = CreateClient();

        var response = await client.GetAudioAsync(English).WaitAsync(TestTimeout);

        Words(response).Select(w => w.Text).ShouldBe(["The", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog"]);
    }

    [Fact]
    public async Task Mandarin_has_one_timed_word_per_character()
    {
        using var client = CreateClient();

        var response = await client.GetAudioAsync(Mandarin, new TextToSpeechOptions { VoiceId = "cmn" }).WaitAsync(TestTimeout);

        Words(response).Select(w => w.Text).ShouldBe(["你", "好", "今", "天", "天", "气", "很", "好"]);
    }

    [Theory]
    [InlineData("en", English)]
    [InlineData("cmn", Mandarin)]
    public async Task Word_timings_increase_stay_inside_the_audio_and_start_on_sound(string voice, string text)
    {
        using var client = CreateClient();

        var response = await client.GetAudioAsync(text, new TextToSpeechOptions { VoiceId = voice }).WaitAsync(TestTimeout);

        var samples = Samples(response);
        var audioEnd = TimeSpan.FromSeconds(samples.Length / 16_000.0);
        var words = Words(response);
        words.ShouldNotBeEmpty();
        for (var i = 0; i < words.Count; i++)
        {
            words[i].Duration.ShouldBeGreaterThan(TimeSpan.Zero);
            words[i].End.ShouldBeLessThanOrEqualTo(audioEnd);
            if (i > 0)
            {
                words[i].Start.ShouldBeGreaterThanOrEqualTo(words[i - 1].End); // strictly increasing, no overlap
            }

            // A stop consonant may begin with up to ~50 ms of closure silence, so look at 60 ms from the start.
            var start = SampleAt(words[i].Start, 16_000);
            var window = samples.AsSpan(start, Math.Min(960, samples.Length - start));
            Rms(window).ShouldBeGreaterThan(5 * SilenceRms, $"word '{words[i].Text}' at {words[i].Start}");
        }
    }

    [Fact]
    public async Task Last_word_ends_where_the_sound_ends_not_after_the_trailing_silence()
    {
        using var client = CreateClient();

        var response = await client.GetAudioAsync(English).WaitAsync(TestTimeout);

        var samples = Samples(response);
        var last = Words(response)[^1];
        var after = samples.AsSpan(SampleAt(last.End, 16_000));
        Rms(after).ShouldBeLessThan(SilenceRms);
    }

    [Theory]
    [InlineData(16_000)]
    [InlineData(24_000)]
    public async Task Output_is_at_the_configured_rate(int rate)
    {
        using var reference = CreateClient(22_050);
        using var client = CreateClient(rate);
        var native = Samples(await reference.GetAudioAsync(English).WaitAsync(TestTimeout));

        var response = await client.GetAudioAsync(English).WaitAsync(TestTimeout);

        response.Contents.OfType<DataContent>().Single().MediaType.ShouldBe($"audio/pcm;rate={rate};channels=1");
        var expected = native.Length * (double)rate / 22_050;
        Samples(response).Length.ShouldBeInRange((int)(expected - (0.05 * rate)), (int)(expected + (0.05 * rate))); // eSpeak varies by a few ms between calls
    }

    [Fact]
    public async Task A_requested_pcm_media_type_sets_the_rate_and_other_formats_are_refused()
    {
        using var client = CreateClient();

        var response = await client.GetAudioAsync("Hello.", new TextToSpeechOptions { AudioFormat = "audio/pcm;rate=24000" }).WaitAsync(TestTimeout);

        response.Contents.OfType<DataContent>().Single().MediaType.ShouldBe("audio/pcm;rate=24000;channels=1");
        await Should.ThrowAsync<ArgumentException>(client.GetAudioAsync("Hello.", new TextToSpeechOptions { AudioFormat = "audio/mpeg" }).WaitAsync(TestTimeout));
    }

    [Fact]
    public async Task Unknown_voice_throws_a_clear_argument_exception()
    {
        using var client = CreateClient();

        var ex = await Should.ThrowAsync<ArgumentException>(client.GetAudioAsync("Hello.", new TextToSpeechOptions { VoiceId = "klingon-x" }).WaitAsync(TestTimeout));

        ex.Message.ShouldContain("klingon-x");
        client.IsKnownVoice("klingon-x").ShouldBeFalse();
        client.IsKnownVoice("en").ShouldBeTrue();
        client.IsKnownVoice("cmn").ShouldBeTrue();
        client.ListVoices().ShouldContain("en-us");
        client.ListVoices().ShouldContain("zh");
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("zh-CN")]
    public async Task Language_tags_fall_back_to_their_primary_language(string language)
    {
        using var client = CreateClient();

        var response = await client.GetAudioAsync(language.StartsWith("zh") ? Mandarin : English, new TextToSpeechOptions { Language = language }).WaitAsync(TestTimeout);

        Samples(response).Length.ShouldBeGreaterThan(8_000);
    }

    [Fact]
    public async Task Double_speed_gives_clearly_shorter_audio()
    {
        using var client = CreateClient();

        var normal = Samples(await client.GetAudioAsync(English).WaitAsync(TestTimeout));
        var fast = Samples(await client.GetAudioAsync(English, new TextToSpeechOptions { Speed = 2f }).WaitAsync(TestTimeout));

        fast.Length.ShouldBeLessThan((int)(normal.Length * 0.7));
    }

    [Fact]
    public async Task Blank_text_gives_no_audio()
    {
        using var client = CreateClient();

        var response = await client.GetAudioAsync("  ").WaitAsync(TestTimeout);

        response.Contents.ShouldBeEmpty();
    }

    [Fact]
    public void Reports_metadata_and_itself_through_GetService()
    {
        using var client = CreateClient();

        client.GetService<TextToSpeechClientMetadata>()!.ProviderName.ShouldBe("espeak-ng");
        client.GetService<EspeakTextToSpeechClient>().ShouldBeSameAs(client);
        client.GetService<EspeakOptions>().ShouldBeNull();
    }
}
