using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Providers.Embedded.Dialogue;
using VoiceAgent.Providers.Embedded.PocketSphinx;

namespace VoiceAgent.Providers.Tests.Embedded.PocketSphinx;

public sealed class PocketSphinxDomainModelTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("va-asr-test-");

    // Questions the dialogue engine answers, spoken by flite: with the domain model they must come back word for word.
    public static TheoryData<string, string> InDomain() => new()
    {
        { "what time is it", "kal" },
        { "what time is it", "slt" },
        { "what is the date today", "rms" },
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
    }

    [Fact]
    public async Task A_domain_score_margin_keeps_the_generic_text_unless_the_domain_search_wins_by_more()
    {
        using var client = NewClient();
        client.UseDomainModel(Build(DialoguePhrases.English(new DialogueOptions())));
        var audio = TestSpeech.ToBytes(TestSpeech.Flite("what time is it", "kal"));
        var plain = await client.GetTextAsync(new MemoryStream(audio)).WaitAsync(Timeout);
        var details = plain.AdditionalProperties.ShouldNotBeNull();
        var lead = (long)(int)details["domain_score"]! - (int)details["generic_score"]!;

        using var strict = new PocketSphinxSpeechToTextClient(new PocketSphinxOptions { MaxDecoders = 1, DomainScoreMargin = (int)Math.Max(lead, 0) }, new LinearResamplerFactory());
        strict.UseDomainModel(Build(DialoguePhrases.English(new DialogueOptions())));
        var kept = await strict.GetTextAsync(new MemoryStream(audio)).WaitAsync(Timeout);

        // kal is the voice the generic model hears worst: the domain search wins this question without a margin.
        plain.Text.ShouldBe("what time is it");
        details["picked"].ShouldBe("domain");
        kept.AdditionalProperties.ShouldNotBeNull()["picked"].ShouldBe("generic");
        kept.Text.ShouldBe((string)details["generic"]!);
    }

    [Fact]
    public async Task The_same_audio_gives_the_same_text_whatever_was_decoded_before()
    {
        // One decoder of each kind, so every utterance reuses the decoders the others used.
        using var client = NewClient();
        client.UseDomainModel(Build(DialoguePhrases.English(new DialogueOptions())));
        var audio = TestSpeech.ToBytes(TestSpeech.Flite("please turn on the kitchen lights", "rms"));
        var first = await client.GetTextAsync(new MemoryStream(audio)).WaitAsync(Timeout);

        foreach (var (text, voice) in new[] { ("what time is it", "kal"), ("the weather is nice today", "awb"), ("play some music", "slt") })
        {
            var loud = TestSpeech.Flite(text, voice).Select(s => (short)Math.Clamp(s * 3, short.MinValue, short.MaxValue)).ToArray();
            await client.GetTextAsync(new MemoryStream(TestSpeech.ToBytes(loud))).WaitAsync(Timeout);
        }

        var again = await client.GetTextAsync(new MemoryStream(audio)).WaitAsync(Timeout);

        again.Text.ShouldBe(first.Text);
        again.AdditionalProperties.ShouldNotBeNull()["generic"].ShouldBe(first.AdditionalProperties.ShouldNotBeNull()["generic"]);
        again.AdditionalProperties["domain"].ShouldBe(first.AdditionalProperties["domain"]);
    }

    [Fact]
    public async Task A_whole_file_and_the_same_audio_streamed_in_pipe_sized_pieces_give_the_same_text()
    {
        // /v1/audio/transcriptions reads a whole file (GetTextAsync); a voice call streams 20-40 ms pieces and asks for
        // partials (GetStreamingTextAsync): one decoding path, so one text.
        using var client = NewClient();
        client.UseDomainModel(Build(DialoguePhrases.English(new DialogueOptions())));
        var audio = TestSpeech.ToBytes(TestSpeech.Flite("hello what is the date today", "awb"));

        var whole = await client.GetTextAsync(new MemoryStream(audio), new Microsoft.Extensions.AI.SpeechToTextOptions { SpeechSampleRate = 16_000 }).WaitAsync(Timeout);
        var streamed = string.Empty;
        var partials = 0;
        await foreach (var update in client.GetStreamingTextAsync(new PieceStream(audio, 640), new Microsoft.Extensions.AI.SpeechToTextOptions { SpeechSampleRate = 16_000 }).WithCancellation(new CancellationTokenSource(Timeout).Token))
        {
            partials += update.Kind == Microsoft.Extensions.AI.SpeechToTextResponseUpdateKind.TextUpdating ? 1 : 0;
            streamed = update.Kind == Microsoft.Extensions.AI.SpeechToTextResponseUpdateKind.TextUpdated ? update.Text : streamed;
        }

        partials.ShouldBeGreaterThan(0);
        streamed.ShouldBe(whole.Text);
    }

    [Fact]
    public async Task A_calls_later_turn_starts_from_its_own_speech_whatever_other_calls_decoded_in_between()
    {
        // Each call's turns share one SpeechToTextOptions, as in the voice pipeline: the second turn starts from the
        // mean the first one left. Other calls' loud audio on the same (single) decoders must not reach it.
        using var client = NewClient();
        client.UseDomainModel(Build(DialoguePhrases.English(new DialogueOptions())));
        var first = TestSpeech.ToBytes(TestSpeech.Flite("what can you do", "awb"));
        var second = TestSpeech.ToBytes(TestSpeech.Flite("please turn on the kitchen lights", "awb"));

        var quiet = new Microsoft.Extensions.AI.SpeechToTextOptions { SpeechSampleRate = 16_000 };
        await client.GetTextAsync(new MemoryStream(first), quiet).WaitAsync(Timeout);
        var expected = await client.GetTextAsync(new MemoryStream(second), quiet).WaitAsync(Timeout);

        var call = new Microsoft.Extensions.AI.SpeechToTextOptions { SpeechSampleRate = 16_000 };
        await client.GetTextAsync(new MemoryStream(first), call).WaitAsync(Timeout);
        foreach (var (text, voice) in new[] { ("what time is it", "kal"), ("the weather is nice today", "slt") })
        {
            var loud = TestSpeech.Flite(text, voice).Select(s => (short)Math.Clamp(s * 3, short.MinValue, short.MaxValue)).ToArray();
            var other = new Microsoft.Extensions.AI.SpeechToTextOptions { SpeechSampleRate = 16_000 };
            await client.GetTextAsync(new MemoryStream(TestSpeech.ToBytes(loud)), other).WaitAsync(Timeout);
            await client.GetTextAsync(new MemoryStream(TestSpeech.ToBytes(loud)), other).WaitAsync(Timeout);
        }

        var actual = await client.GetTextAsync(new MemoryStream(second), call).WaitAsync(Timeout);

        actual.Text.ShouldBe(expected.Text);
        actual.AdditionalProperties.ShouldNotBeNull()["generic"].ShouldBe(expected.AdditionalProperties.ShouldNotBeNull()["generic"]);
        actual.AdditionalProperties["domain"].ShouldBe(expected.AdditionalProperties["domain"]);
    }

    [Fact]
    public async Task A_phrase_added_in_configuration_becomes_recognisable()
    {
        const string phrase = "open the pod bay doors hal";
        var audio = TestSpeech.ToBytes(TestSpeech.Flite(phrase, "slt"));
        using var client = NewClient();
        var asr = new PocketSphinxOptions { MaxDecoders = 1, DomainModelDirectory = _directory.FullName };
        var monitor = new MutableOptionsMonitor<PocketSphinxOptions>(asr);
        using var updater = new PocketSphinxDomainModelUpdater(
            client, monitor, new MutableOptionsMonitor<DialogueOptions>(new DialogueOptions()),
            new PocketSphinxDomainModelBuilder(NullLogger<PocketSphinxDomainModelBuilder>.Instance), NullLogger<PocketSphinxDomainModelUpdater>.Instance);
        var before = await client.GetTextAsync(new MemoryStream(audio)).WaitAsync(Timeout);

        monitor.Set(new PocketSphinxOptions { MaxDecoders = 1, DomainModelDirectory = _directory.FullName, Phrases = [phrase] });
        var after = await client.GetTextAsync(new MemoryStream(audio)).WaitAsync(Timeout);

        before.Text.ShouldNotBe(phrase);
        after.Text.ShouldBe(phrase);
        client.DomainModel.ShouldNotBeNull().Phrases.ShouldBeGreaterThan(1);
    }

    [Fact]
    public void A_word_missing_from_the_dictionary_is_reported_not_fatal()
    {
        var logger = new ListLogger<PocketSphinxDomainModelBuilder>();
        var model = new PocketSphinxDomainModelBuilder(logger).Build(
            ["what time is it", "call zxqwv now", "hows it going"], new PocketSphinxOptions().DictionaryPath, _directory.FullName);

        model.ShouldNotBeNull();
        model.MissingWords.ShouldBe(["zxqwv"]);
        model.GuessedWords.ShouldBe(["hows"]);
        model.Phrases.ShouldBe(2);
        logger.Warnings.ShouldContain(m => m.Contains("zxqwv", StringComparison.Ordinal));
        File.ReadAllText(model.DictionaryPath).ShouldNotContain("zxqwv");
        File.ReadAllText(model.LanguageModelPath).ShouldNotContain("zxqwv");
        using var client = NewClient();
        client.UseDomainModel(model); // loads: PocketSphinx accepts the files
    }

    [Fact]
    public void The_dialogue_engines_phrases_come_from_its_own_patterns_and_the_faq()
    {
        var phrases = DialoguePhrases.English(new DialogueOptions
        {
            Faq = [new FaqEntry { Patterns = ["(when|what time) (do you|does the shop) open"], Answer = "At nine." }],
        });

        phrases.ShouldContain("what time is it");
        phrases.ShouldContain("what's the date");
        phrases.ShouldContain("when does the shop open");
        phrases.ShouldContain("what time do you open");
        phrases.ShouldNotContain(p => p.Contains("whats", StringComparison.Ordinal));
    }

    private PocketSphinxDomainModel Build(IEnumerable<string> phrases) =>
        new PocketSphinxDomainModelBuilder(NullLogger<PocketSphinxDomainModelBuilder>.Instance)
            .Build(phrases, new PocketSphinxOptions().DictionaryPath, _directory.FullName).ShouldNotBeNull();

    private static PocketSphinxSpeechToTextClient NewClient() =>
        new(new PocketSphinxOptions { MaxDecoders = 1 }, new LinearResamplerFactory());

    /// <summary>A stream that hands out at most <c>piece</c> bytes per read, as a pipe fed by a call does.</summary>
    private sealed class PieceStream(byte[] data, int piece) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, piece));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, piece)]);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, piece)], cancellationToken);
    }

    private sealed class ListLogger<T> : ILogger<T>
    {
        public List<string> Warnings { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                Warnings.Add(formatter(state, exception));
            }
        }
    }
}
