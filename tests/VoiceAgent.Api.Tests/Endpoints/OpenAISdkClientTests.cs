using System.ClientModel;
using OpenAI;
using OpenAI.Audio;
using OpenAI.Chat;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Api.Tests.Endpoints;

/// <summary>The official OpenAI .NET SDK as a client of the OpenAI-compatible endpoints (§3).</summary>
public sealed class OpenAISdkClientTests : IAsyncLifetime
{
    private ServiceHost _host = null!;
    private OpenAIClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await ServiceHost.StartAsync();
        _client = new OpenAIClient(new ApiKeyCredential("test-key"), new OpenAIClientOptions { Endpoint = new Uri(_host.Address, "/v1") });
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Chat_completion_not_streamed_has_text_and_usage()
    {
        var chat = _client.GetChatClient("voiceagent-rules");
        ChatCompletion completion = await chat.CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("what is twelve times seven")]).WaitAsync(ServiceHost.Timeout);
        completion.Content[0].Text.ShouldContain("84");
        completion.FinishReason.ShouldBe(ChatFinishReason.Stop);
        completion.Usage.TotalTokenCount.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Chat_completion_streamed_concatenates_to_the_answer()
    {
        var chat = _client.GetChatClient("voiceagent-rules");
        var text = "";
        ChatFinishReason? finish = null;
        using var cts = new CancellationTokenSource(ServiceHost.Timeout);
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("你好")], cancellationToken: cts.Token))
        {
            text += string.Concat(update.ContentUpdate.Select(p => p.Text));
            finish ??= update.FinishReason;
        }

        text.ShouldContain("你好");
        finish.ShouldBe(ChatFinishReason.Stop);
    }

    [Fact]
    public async Task Speech_then_transcription_round_trips_through_the_sdk()
    {
        var audio = _client.GetAudioClient("tts");
        var speech = await audio.GenerateSpeechAsync("turn on the kitchen lights", new GeneratedSpeechVoice("en-us"), new SpeechGenerationOptions { ResponseFormat = GeneratedSpeechFormat.Wav }).WaitAsync(ServiceHost.Timeout);
        var wav = speech.Value.ToArray();
        var parsed = WavFile.Read(wav);
        parsed.Format.SampleRate.ShouldBe(24_000); // OpenAI's rate
        parsed.Duration.ShouldBeGreaterThan(TimeSpan.FromSeconds(0.8));

        var pcm = await audio.GenerateSpeechAsync("hello", new GeneratedSpeechVoice("en-us"), new SpeechGenerationOptions { ResponseFormat = GeneratedSpeechFormat.Pcm }).WaitAsync(ServiceHost.Timeout);
        pcm.Value.ToArray().Length.ShouldBeGreaterThan(8000);

        // eSpeak's voice is hard for PocketSphinx; a flite voice (another synthesiser) makes the round trip honest.
        var flite = TestAudio.FliteWav("turn on the kitchen lights");
        using var file = new MemoryStream(flite);
        AudioTranscription transcription = await audio.TranscribeAudioAsync(file, "question.wav").WaitAsync(ServiceHost.Timeout);
        transcription.Text.ShouldContain("kitchen");

        using var again = new MemoryStream(flite);
        var verbose = await audio.TranscribeAudioAsync(again, "question.wav", new AudioTranscriptionOptions { ResponseFormat = AudioTranscriptionFormat.Verbose }).WaitAsync(ServiceHost.Timeout);
        verbose.Value.Duration.ShouldNotBeNull();
        verbose.Value.Duration!.Value.ShouldBeGreaterThan(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task An_unknown_voice_is_refused_with_a_clear_error()
    {
        var audio = _client.GetAudioClient("tts");
        var ex = await Should.ThrowAsync<ClientResultException>(() => audio.GenerateSpeechAsync("hi", new GeneratedSpeechVoice("no-such-voice")).WaitAsync(ServiceHost.Timeout));
        ex.Status.ShouldBe(400);
        ex.Message.ShouldContain("Unknown voice");
    }

    [Fact]
    public async Task Models_are_listed()
    {
        var models = await _client.GetOpenAIModelClient().GetModelsAsync().WaitAsync(ServiceHost.Timeout);
        models.Value.Select(m => m.Id).ShouldContain("voiceagent-rules");
    }
}
