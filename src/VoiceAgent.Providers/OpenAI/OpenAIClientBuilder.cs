using System.ClientModel;
using System.ClientModel.Primitives;
using global::OpenAI;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>Builds the SDK client for one engine: endpoint, authentication, extra headers, no SDK retries (Polly retries instead).</summary>
internal static class OpenAIClientBuilder
{
    public static OpenAIClient Create(OpenAIEngineOptions options)
    {
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
