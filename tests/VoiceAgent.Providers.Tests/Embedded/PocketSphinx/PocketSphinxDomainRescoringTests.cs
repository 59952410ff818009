using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Providers.Embedded.Dialogue;
using VoiceAgent.Providers.Embedded.PocketSphinx;

namespace VoiceAgent.Providers.Tests.Embedded.PocketSphinx;

/// <summary>
/// <see cref="PocketSphinxOptions.DomainRescoring"/>: the domain model inside the generic decoder, searching its lattice
/// again at the end of the turn, instead of a second decoder.
/// </summary>
public sealed class PocketSphinxDomainRescoringTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("va-asr-rescoring-test-");

    // Questions the dialogue engine answers whose words the generic search keeps in its lattice for these voices.
    public static TheoryData<string, string> InDomain() => new()
    {
        { "what time is it", "slt" },
        { "how are you", "awb" },
        { "what can you do", "slt" },
        { "what is twelve times seven", "rms" },
    };

    public void Dispose() => _directory.Delete(recursive: true);

    [Theory]
    [MemberData(nameof(InDomain))]
    public async Task In_domain_questions_are_recognised_exactly(string question, string voice)
    {
        using var client = NewClient();
        client.UseDomainModel(Build(DialoguePhrases.English(new DialogueOptions())));

        var response = await client.GetTextAsync(new MemoryStream(TestSpeech.ToBytes(TestSpeech.Flite(question, voice)))).WaitAsync(Timeout);

        response.Text.ShouldBe(question);
        response.AdditionalProperties.ShouldNotBeNull()["domain"].ShouldBe(question);
    }

    [Fact]
    public async Task Out_of_domain_speech_keeps_the_generic_text()
    {
        using var client = NewClient();
        client.UseDomainModel(Build(DialoguePhrases.English(new DialogueOptions())));

        var response = await client.GetTextAsync(new MemoryStream(TestSpeech.ToBytes(TestSpeech.Flite("my phone battery is almost empty", "slt")))).WaitAsync(Timeout);

        // Its words are not in the domain model, so a domain path through them scores log-zero and cannot win.
        response.AdditionalProperties.ShouldNotBeNull()["picked"].ShouldBe("generic");
        response.Text.ShouldBe(response.AdditionalProperties["generic"]);
    }

    [Fact]
    public async Task One_decoder_serves_both_searches_and_the_same_audio_gives_the_same_text_after_other_audio()
    {
        using var client = NewClient();
        client.UseDomainModel(Build(DialoguePhrases.English(new DialogueOptions())));
        var audio = TestSpeech.ToBytes(TestSpeech.Flite("what can you do", "slt"));
        var first = await client.GetTextAsync(new MemoryStream(audio)).WaitAsync(Timeout);

        foreach (var (text, voice) in new[] { ("the weather is nice today", "awb"), ("what is the date today", "rms") })
        {
            await client.GetTextAsync(new MemoryStream(TestSpeech.ToBytes(TestSpeech.Flite(text, voice)))).WaitAsync(Timeout);
        }

        var again = await client.GetTextAsync(new MemoryStream(audio)).WaitAsync(Timeout);

        client.DecodersCreated.ShouldBe(1);
        again.Text.ShouldBe(first.Text);
        again.AdditionalProperties.ShouldNotBeNull()["domain"].ShouldBe(first.AdditionalProperties.ShouldNotBeNull()["domain"]);
    }

    [Fact]
    public async Task A_new_model_with_a_guessed_word_replaces_the_loaded_one_between_turns()
    {
        using var client = NewClient();
        client.UseDomainModel(Build(DialoguePhrases.English(new DialogueOptions())));
        var before = await client.GetTextAsync(new MemoryStream(TestSpeech.ToBytes(TestSpeech.Flite("what time is it", "slt")))).WaitAsync(Timeout);

        // "hows" is not in cmudict: its guessed pronunciation joins the loaded decoder's dictionary and generic vocabulary.
        var model = Build(["hows it going", "open the pod bay doors"]);
        model.GuessedWords.ShouldBe(["hows"]);
        client.UseDomainModel(model);
        var after = await client.GetTextAsync(new MemoryStream(TestSpeech.ToBytes(TestSpeech.Flite("open the pod bay doors", "slt")))).WaitAsync(Timeout);

        before.Text.ShouldBe("what time is it");
        after.AdditionalProperties.ShouldNotBeNull()["domain"].ShouldBeOfType<string>().ShouldContain("open the pod bay doors");
        client.DecodersCreated.ShouldBe(1);
    }

    private PocketSphinxDomainModel Build(IEnumerable<string> phrases) =>
        new PocketSphinxDomainModelBuilder(NullLogger<PocketSphinxDomainModelBuilder>.Instance)
            .Build(phrases, new PocketSphinxOptions().DictionaryPath, Path.Combine(_directory.FullName, Guid.NewGuid().ToString("N"))).ShouldNotBeNull();

    private static PocketSphinxSpeechToTextClient NewClient() =>
        new(new PocketSphinxOptions { MaxDecoders = 1, DomainRescoring = true }, new LinearResamplerFactory());
}
