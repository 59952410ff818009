using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Providers.Embedded.Dialogue;
using VoiceAgent.Providers.Embedded.PocketSphinx;

namespace VoiceAgent.Providers.Tests.Embedded.PocketSphinx;

/// <summary>
/// <see cref="PocketSphinxOptions.DomainInterpolationWeight"/> without <see cref="PocketSphinxOptions.DomainDecoder"/>: the
/// domain model interpolated into the generic decoder's one search, with no second decoder.
/// </summary>
public sealed class PocketSphinxDomainInterpolationTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("va-asr-interpolation-test-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task A_new_model_with_a_guessed_word_replaces_the_interpolated_one_between_turns_in_one_decoder()
    {
        using var client = NewClient();
        client.UseDomainModel(Build(DialoguePhrases.English(new DialogueOptions())));
        var before = await client.GetTextAsync(new MemoryStream(TestSpeech.ToBytes(TestSpeech.Flite("what time is it", "slt")))).WaitAsync(Timeout);

        // "hows" is not in cmudict: its guessed pronunciation joins the decoder's dictionary and both models' vocabularies.
        var model = Build(["hows it going", "open the pod bay doors"]);
        model.GuessedWords.ShouldBe(["hows"]);
        client.UseDomainModel(model);
        var after = await client.GetTextAsync(new MemoryStream(TestSpeech.ToBytes(TestSpeech.Flite("open the pod bay doors", "slt")))).WaitAsync(Timeout);

        before.Text.ShouldBe("what time is it");
        // The generic model's share lets a word slip in around the phrase ("the open the pod bay doors" was heard once).
        after.Text.ShouldContain("open the pod bay doors");
        client.DecodersCreated.ShouldBe(1);
    }

    [Fact]
    public async Task The_same_audio_gives_the_same_text_after_other_audio_and_after_the_model_is_dropped_and_loaded_again()
    {
        using var client = NewClient();
        var model = Build(DialoguePhrases.English(new DialogueOptions()));
        client.UseDomainModel(model);
        var audio = TestSpeech.ToBytes(TestSpeech.Flite("what can you do", "slt"));
        var first = await client.GetTextAsync(new MemoryStream(audio)).WaitAsync(Timeout);

        foreach (var (text, voice) in new[] { ("the weather is nice today", "awb"), ("what is the date today", "rms") })
        {
            await client.GetTextAsync(new MemoryStream(TestSpeech.ToBytes(TestSpeech.Flite(text, voice)))).WaitAsync(Timeout);
        }

        client.UseDomainModel(null);
        await client.GetTextAsync(new MemoryStream(audio)).WaitAsync(Timeout);
        client.UseDomainModel(model);
        var again = await client.GetTextAsync(new MemoryStream(audio)).WaitAsync(Timeout);

        first.Text.ShouldBe("what can you do");
        again.Text.ShouldBe(first.Text);
        client.DecodersCreated.ShouldBe(1);
    }

    private PocketSphinxDomainModel Build(IEnumerable<string> phrases) =>
        new PocketSphinxDomainModelBuilder(NullLogger<PocketSphinxDomainModelBuilder>.Instance)
            .Build(phrases, new PocketSphinxOptions().DictionaryPath, Path.Combine(_directory.FullName, Guid.NewGuid().ToString("N"))).ShouldNotBeNull();

    private static PocketSphinxSpeechToTextClient NewClient() =>
        new(new PocketSphinxOptions { MaxDecoders = 1, DomainDecoder = false, DomainInterpolationWeight = 0.5f }, new LinearResamplerFactory());
}
