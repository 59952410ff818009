using System.Runtime.InteropServices;
using VoiceAgent.Providers.Embedded.Espeak;

namespace VoiceAgent.Providers.Tests.Embedded.Espeak;

public sealed class EspeakInternalsTests
{
    [Fact]
    public void Event_struct_matches_the_native_layout() => Marshal.SizeOf<EspeakEvent>().ShouldBe(40);

    [Fact]
    public void Catalog_prefers_the_highest_priority_voice_for_a_language()
    {
        var catalog = new EspeakVoiceCatalog(
        [
            new("sit/cmn", "Chinese_(Mandarin)", [(5, "zh-cmn"), (5, "zh")]),
            new("sit/yue", "Chinese_(Cantonese)", [(5, "zh-yue"), (8, "zh")]),
            new("gmw/en", "English_(Great_Britain)", [(2, "en-gb"), (2, "en")]),
            new("gmw/en-US", "English_(America)", [(2, "en-us"), (3, "en")]),
        ]);

        catalog.Resolve("zh").ShouldBe("sit/cmn");
        catalog.Resolve("en").ShouldBe("gmw/en");
        catalog.Resolve("EN-US").ShouldBe("gmw/en-US");
        catalog.Resolve("cmn").ShouldBe("sit/cmn");
        catalog.Resolve("English_(America)").ShouldBe("gmw/en-US");
        catalog.ResolveLanguage("zh-CN").ShouldBe("sit/cmn");
        catalog.ResolveLanguage("en_US").ShouldBe("gmw/en-US");
        catalog.Resolve("xx").ShouldBeNull();
    }

    [Fact]
    public void A_number_read_as_several_words_stays_one_timed_word()
    {
        const string text = "over 42 dogs";
        var audio = Enumerable.Repeat((short)1000, 22_050).ToArray();
        EspeakWordEvent[] events = [new(1, 4, 0), new(6, 2, 5_000), new(7, 2, 9_000), new(9, 4, 13_000)];

        var words = EspeakWordTimings.Build(text, events, 22_050, audio, 22_050);

        words.Select(w => w.Text).ShouldBe(["over", "42", "dogs"]);
        words[1].Start.ShouldBe(TimeSpan.FromSeconds(5_000 / 22_050.0), TimeSpan.FromMilliseconds(0.1));
        words[1].End.ShouldBe(words[2].Start);
    }

    [Fact]
    public void Text_positions_count_code_points_not_utf16_units()
    {
        const string text = "😀 hi";
        var audio = Enumerable.Repeat((short)1000, 16_000).ToArray();

        var words = EspeakWordTimings.Build(text, [new(1, 1, 0), new(3, 2, 4_000), new(0, 0, 5_000)], 16_000, audio, 16_000);

        words.Select(w => w.Text).ShouldBe(["😀", "hi"]);
    }

    [Fact]
    public void Trailing_silence_is_not_part_of_the_last_word()
    {
        var audio = new short[16_000];
        Array.Fill(audio, (short)2000, 0, 8_000);

        var words = EspeakWordTimings.Build("hi", [new(1, 2, 0)], 16_000, audio, 16_000);

        words.ShouldHaveSingleItem().End.ShouldBe(TimeSpan.FromMilliseconds(500));
    }
}
