using System.Diagnostics.Metrics;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Providers.OpenAI;

namespace VoiceAgent.Api.Hosting;

/// <summary>
/// Registers the remote engines, keyed <c>OpenAI</c> or <c>AzureOpenAI</c>, for each stage whose provider or fallback list
/// names them: options from <c>VoiceAgent:{Asr|Llm|Tts}:{OpenAI|AzureOpenAI}</c>, validated at start-up with messages that name the key.
/// </summary>
public static class OpenAIEngineRegistration
{
    public const string OpenAI = "OpenAI";

    /// <summary>Azure OpenAI through <c>Azure.AI.OpenAI</c>: options from <c>VoiceAgent:{Asr|Llm|Tts}:AzureOpenAI</c>.</summary>
    public const string AzureOpenAI = "AzureOpenAI";

    // The newest GA version this client knows.
    private const string DefaultAzureApiVersion = "2024-10-21";

    public static IServiceCollection AddOpenAIEngines(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(sp => new EngineMetrics(sp.GetRequiredService<IMeterFactory>()));
        foreach (var provider in (string[])[OpenAI, AzureOpenAI])
        {
            if (Uses(configuration, "Llm", provider))
            {
                Options(services, configuration, "Llm", provider);
                services.AddKeyedSingleton<IChatClient>(provider, (sp, _) => OpenAIEngines.CreateChatClient(Get(sp, "Llm", provider), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<EngineMetrics>(), Section("Llm", provider)));
                services.AddSingleton(sp => new EngineCheck("llm", provider, () => Breaker(sp.GetRequiredKeyedService<IChatClient>(provider).GetService<EngineResilience>())));
            }

            if (Uses(configuration, "Asr", provider))
            {
                Options(services, configuration, "Asr", provider);
                services.AddKeyedSingleton<ISpeechToTextClient>(provider, (sp, _) => OpenAIEngines.CreateSpeechToTextClient(Get(sp, "Asr", provider), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<EngineMetrics>(), Section("Asr", provider)));
                services.AddSingleton(sp => new EngineCheck("asr", provider, () => Breaker(sp.GetRequiredKeyedService<ISpeechToTextClient>(provider).GetService<EngineResilience>())));
            }

            if (Uses(configuration, "Tts", provider))
            {
                Options(services, configuration, "Tts", provider);
                services.AddKeyedSingleton<ITextToSpeechClient>(provider, (sp, _) => OpenAIEngines.CreateTextToSpeechClient(
                    Get(sp, "Tts", provider),
                    sp.GetRequiredService<IOptions<PipelineOptions>>().Value.Output.OutputSampleRate,
                    sp.GetRequiredService<IResamplerFactory>(),
                    sp.GetRequiredService<TimeProvider>(),
                    sp.GetRequiredService<ILoggerFactory>(),
                    sp.GetRequiredService<EngineMetrics>(),
                    Section("Tts", provider)));
                services.AddSingleton(sp => new EngineCheck("tts", provider, () => Breaker(sp.GetRequiredKeyedService<ITextToSpeechClient>(provider).GetService<EngineResilience>())));
            }
        }

        return services;
    }

    /// <summary>True when a remote engine cannot be used right now: its breaker is open after recent failures.</summary>
    public static bool IsDown(object engine) => engine switch
    {
        // The LLM sits inside the function-invoking chain: ask the chain for its engine (a fallback list is never down as a whole here).
        IChatClient chat => chat.GetService<FallbackChatClient>() is null && chat.GetService<EngineResilience>() is { BreakerState: CircuitState.Open or CircuitState.Isolated },
        _ => engine is ResilientTextToSpeechClient { Resilience.BreakerState: CircuitState.Open or CircuitState.Isolated },
    };

    private static string? Breaker(EngineResilience? resilience) =>
        resilience?.BreakerState is CircuitState.Open or CircuitState.Isolated ? $"circuit open after recent failures of '{resilience.Name}'" : null;

    private static bool Uses(IConfiguration configuration, string stage, string provider) =>
        configuration[$"VoiceAgent:{stage}:Provider"] == provider ||
        configuration.GetSection($"VoiceAgent:{stage}:Fallback").GetChildren().Any(c => c.Value == provider);

    private static string Section(string stage, string provider) => $"VoiceAgent:{stage}:{provider}";

    private static void Options(IServiceCollection services, IConfiguration configuration, string stage, string provider)
    {
        var section = Section(stage, provider);
        var builder = services.AddOptions<OpenAIEngineOptions>(section)
            .Bind(configuration.GetSection(section))
            .PostConfigure(o => o.Name = $"{stage.ToLowerInvariant()}-{provider.ToLowerInvariant()}");
        if (provider == AzureOpenAI)
        {
            // Azure's own names: the resource's Endpoint, the Deployment, the ApiVersion; ApiKey, or Entra ID without one.
            var azure = configuration.GetSection(section);
            builder.PostConfigure<IServiceProvider>((o, sp) =>
            {
                o.BaseUrl = azure["Endpoint"] ?? "";
                o.Model = azure["Deployment"] ?? "";
                var version = AzureOpenAIConnection.ParseVersion(azure["ApiVersion"] ?? DefaultAzureApiVersion)
                    ?? throw new OptionsValidationException(section, typeof(OpenAIEngineOptions), [$"{section}:ApiVersion '{azure["ApiVersion"]}' is not one this client knows: {string.Join(", ", AzureOpenAIConnection.KnownVersions)}."]);
                o.Azure = new AzureOpenAIConnection(version, string.IsNullOrEmpty(o.ApiKey) ? sp.GetService<TokenCredential>() ?? new DefaultAzureCredential() : null);
            });
        }

        builder.Validate(o =>
            {
                var errors = o.Validate(section);
                if (errors.Count > 0)
                {
                    // The options' own names, BaseUrl and Model, are Endpoint and Deployment in an Azure section.
                    var named = provider == AzureOpenAI ? errors.Select(e => e.Replace(":BaseUrl ", ":Endpoint ", StringComparison.Ordinal).Replace(":Model is required", ":Deployment is required", StringComparison.Ordinal)) : errors;
                    throw new InvalidOperationException(string.Join(" ", named));
                }

                return true;
            })
            .ValidateOnStart();
    }

    private static OpenAIEngineOptions Get(IServiceProvider sp, string stage, string provider) => sp.GetRequiredService<IOptionsMonitor<OpenAIEngineOptions>>().Get(Section(stage, provider));
}
