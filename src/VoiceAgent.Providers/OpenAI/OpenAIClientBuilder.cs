using System.ClientModel;
using System.ClientModel.Primitives;
using Azure.AI.OpenAI;
using global::OpenAI;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>Builds the SDK client for one engine: endpoint, authentication, extra headers, no SDK retries (Polly retries instead).</summary>
internal static class OpenAIClientBuilder
{
    public static OpenAIClient Create(OpenAIEngineOptions options)
    {
        if (options.Azure is { } azure)
        {
            return CreateAzure(options, azure);
        }

        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = new Uri(options.BaseUrl),

            // Retrying is the resilience pipeline's job: two layers of retries multiply the delay before a fallback.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),

            // For unbuffered (streaming) responses System.ClientModel applies this to every read of the body, so a
            // server that stalls mid-stream fails instead of hanging the turn.
            NetworkTimeout = options.Timeout,
        };
        if (options.Headers.Count > 0)
        {
            clientOptions.AddPolicy(new ExtraHeadersPolicy(options.Headers), PipelinePosition.PerCall);
        }

        // The SDK marks its AuthenticationPolicy constructor as evaluation-only (OPENAI001), but it is the one way to
        // send Azure's api-key header, or nothing at all to a keyless local server, without patching headers afterwards.
#pragma warning disable OPENAI001
        return new OpenAIClient(CreateAuthentication(options), clientOptions);
#pragma warning restore OPENAI001
    }

    // AzureOpenAIClient is an OpenAIClient whose chat and audio clients use deployment paths and the api-version query;
    // everything built on OpenAIClient (the M.E.AI adapter, the streamed speech) works on it unchanged.
    private static AzureOpenAIClient CreateAzure(OpenAIEngineOptions options, AzureOpenAIConnection azure)
    {
        var clientOptions = new AzureOpenAIClientOptions(azure.ApiVersion)
        {
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = options.Timeout,
        };
        if (options.Headers.Count > 0)
        {
            clientOptions.AddPolicy(new ExtraHeadersPolicy(options.Headers), PipelinePosition.PerCall);
        }

        var endpoint = new Uri(options.BaseUrl);
        return string.IsNullOrEmpty(options.ApiKey)
            ? new AzureOpenAIClient(endpoint, azure.Credential ?? throw new InvalidOperationException("An Azure OpenAI engine without an ApiKey needs an Entra ID credential."), clientOptions)
            : new AzureOpenAIClient(endpoint, new ApiKeyCredential(options.ApiKey), clientOptions);
    }

    private static AuthenticationPolicy CreateAuthentication(OpenAIEngineOptions options)
    {
        if (string.IsNullOrEmpty(options.ApiKey))
        {
            return new NoAuthenticationPolicy();
        }

        var credential = new ApiKeyCredential(options.ApiKey);
        return options.AzureApiKeyHeader
            ? ApiKeyAuthenticationPolicy.CreateHeaderApiKeyPolicy(credential, "api-key")
            : ApiKeyAuthenticationPolicy.CreateBearerAuthorizationPolicy(credential);
    }
}
