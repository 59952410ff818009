using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgent.Api.Tests.Infrastructure;
using VoiceAgent.Providers.Tests.OpenAI;

namespace VoiceAgent.Api.Tests.Endpoints;

/// <summary>
/// <c>Provider=AzureOpenAI</c> for the LLM, ASR and TTS through <c>Azure.AI.OpenAI</c>, against a local fake that serves
/// Azure's deployment paths and refuses a request without the <c>api-version</c> query and the right credential.
/// </summary>
public sealed class AzureOpenAIProviderTests
{
    private const string Version = "2024-10-21";

    [Fact]
    public async Task Chat_speech_and_transcription_reach_their_deployments_with_the_api_key()
    {
        await using var azure = FakeOpenAIServer.Start();
        azure.DefaultHandler = AzureFake(r => r.Header("api-key") == "az-key");
        await using var host = await ServiceHost.StartAsync(Settings(azure, apiKey: "az-key"));

        using (var chat = await host.Http.PostAsJsonAsync("/v1/chat/completions", new { messages = new[] { new { role = "user", content = "Hi" } } }).WaitAsync(ServiceHost.Timeout))
        {
            chat.EnsureSuccessStatusCode();
            (await chat.Content.ReadAsStringAsync()).ShouldContain("Hello there.");
        }

        using (var speech = await host.Http.PostAsJsonAsync("/v1/audio/speech", new { model = "tts-1", input = "Hello from Azure.", response_format = "pcm" }).WaitAsync(ServiceHost.Timeout))
        {
            speech.EnsureSuccessStatusCode();
            (await speech.Content.ReadAsByteArrayAsync()).Length.ShouldBeGreaterThan(1000);
        }

        using (var form = new MultipartFormDataContent { { new ByteArrayContent(TestAudio.FliteWav("hello world")), "file", "hello.wav" }, { new StringContent("whisper-1"), "model" } })
        using (var transcription = await host.Http.PostAsync("/v1/audio/transcriptions", form).WaitAsync(ServiceHost.Timeout))
        {
            transcription.EnsureSuccessStatusCode();
            (await transcription.Content.ReadAsStringAsync()).ShouldContain("hello world");
        }

        var paths = azure.Requests.Select(r => r.Path).Distinct().ToList();
        paths.ShouldContain("/openai/deployments/gpt-dep/chat/completions");
        paths.ShouldContain("/openai/deployments/tts-dep/audio/speech");
        paths.ShouldContain("/openai/deployments/stt-dep/audio/transcriptions");
        azure.Requests.ShouldAllBe(r => r.Query.Contains("api-version=" + Version) && r.Header("api-key") == "az-key" && r.Header("Authorization") == null);
    }

    [Fact]
    public async Task Without_an_api_key_the_engine_sends_an_entra_id_token()
    {
        await using var azure = FakeOpenAIServer.Start();
        azure.DefaultHandler = AzureFake(r => r.Header("Authorization") == "Bearer entra-token");
        var credential = new TestCredential("entra-token");
        await using var host = await ServiceHost.StartAsync(Settings(azure, apiKey: null), services => services.AddSingleton<TokenCredential>(credential));

        using var chat = await host.Http.PostAsJsonAsync("/v1/chat/completions", new { messages = new[] { new { role = "user", content = "Hi" } } }).WaitAsync(ServiceHost.Timeout);

        chat.EnsureSuccessStatusCode();
        (await chat.Content.ReadAsStringAsync()).ShouldContain("Hello there.");
        azure.Requests.ShouldContain(r => r.Path == "/openai/deployments/gpt-dep/chat/completions");
        azure.Requests.ShouldAllBe(r => r.Header("api-key") == null);
        credential.Scopes.ShouldContain("https://cognitiveservices.azure.com/.default");
    }

    [Fact]
    public async Task An_unknown_api_version_stops_the_start_naming_the_key()
    {
        var ex = await Should.ThrowAsync<Exception>(() => ServiceHost.StartAsync(new Dictionary<string, string?>
        {
            ["VoiceAgent:Llm:Provider"] = "AzureOpenAI",
            ["VoiceAgent:Llm:AzureOpenAI:Endpoint"] = "http://127.0.0.1:9/",
            ["VoiceAgent:Llm:AzureOpenAI:Deployment"] = "gpt-dep",
            ["VoiceAgent:Llm:AzureOpenAI:ApiKey"] = "k",
            ["VoiceAgent:Llm:AzureOpenAI:ApiVersion"] = "2023-01-01",
        }));
        ex.ToString().ShouldContain("VoiceAgent:Llm:AzureOpenAI:ApiVersion");
        ex.ToString().ShouldContain("2024-10-21");
    }

    private static Dictionary<string, string?> Settings(FakeOpenAIServer azure, string? apiKey)
    {
        var settings = new Dictionary<string, string?>();
        (string Stage, string Deployment)[] stages = [("Llm", "gpt-dep"), ("Asr", "stt-dep"), ("Tts", "tts-dep")];
        foreach (var (stage, deployment) in stages)
        {
            settings[$"VoiceAgent:{stage}:Provider"] = "AzureOpenAI";
            settings[$"VoiceAgent:{stage}:AzureOpenAI:Endpoint"] = $"http://127.0.0.1:{azure.Port}/";
            settings[$"VoiceAgent:{stage}:AzureOpenAI:Deployment"] = deployment;
            settings[$"VoiceAgent:{stage}:AzureOpenAI:ApiVersion"] = Version;
            settings[$"VoiceAgent:{stage}:AzureOpenAI:ApiKey"] = apiKey;
        }

        return settings;
    }

    /// <summary>Azure's deployment paths; 401 without the api-version query or the expected credential, 404 for other paths.</summary>
    private static Func<HttpListenerContext, RecordedRequest, Task> AzureFake(Func<RecordedRequest, bool> authorised) => (ctx, request) =>
    {
        if (!request.Query.Contains("api-version=", StringComparison.Ordinal) || !authorised(request))
        {
            return FakeResponses.Json(401, """{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint."}}""")(ctx, request);
        }

        var deployment = request.Path.StartsWith("/openai/deployments/", StringComparison.Ordinal) ? request.Path["/openai/deployments/".Length..] : "";
        return deployment switch
        {
            "gpt-dep/chat/completions" when request.BodyText.Contains("\"stream\":true", StringComparison.Ordinal) => FakeResponses.ChatStream(FakeResponses.DefaultTokens)(ctx, request),
            "gpt-dep/chat/completions" => FakeResponses.ChatJson("Hello there.", "stop")(ctx, request),
            "tts-dep/audio/speech" => FakeResponses.Speech(FakeResponses.Tone(24_000, 600), pieces: 4, gapMs: 10)(ctx, request),
            "stt-dep/audio/transcriptions" => FakeResponses.Json(200, """{"text":"hello world"}""")(ctx, request),
            _ => FakeResponses.Json(404, """{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist."}}""")(ctx, request),
        };
    };

    /// <summary>An Entra ID credential that hands out a fixed token and remembers the scopes asked for.</summary>
    private sealed class TestCredential(string token) : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            lock (Scopes)
            {
                Scopes.AddRange(requestContext.Scopes);
            }

            return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
