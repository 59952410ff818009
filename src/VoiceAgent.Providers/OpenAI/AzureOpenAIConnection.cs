using Azure.AI.OpenAI;
using Azure.Core;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>
/// An engine reached through <c>Azure.AI.OpenAI</c>'s client: deployment-style paths with an <c>api-version</c> query,
/// authenticated by the engine's <c>api-key</c> or, without one, an Entra ID token from <see cref="Credential"/>.
/// </summary>
public sealed record AzureOpenAIConnection(AzureOpenAIClientOptions.ServiceVersion ApiVersion, TokenCredential? Credential)
{
    /// <summary>The versions this client knows, as Azure writes them (<c>2024-10-21</c>, <c>2025-04-01-preview</c>).</summary>
    public static IEnumerable<string> KnownVersions => Enum.GetValues<AzureOpenAIClientOptions.ServiceVersion>().Select(Name);

    /// <summary>Parses an <c>api-version</c> as Azure writes it; null when this client does not know it.</summary>
    public static AzureOpenAIClientOptions.ServiceVersion? ParseVersion(string? apiVersion) =>
        Enum.GetValues<AzureOpenAIClientOptions.ServiceVersion>().Cast<AzureOpenAIClientOptions.ServiceVersion?>()
            .FirstOrDefault(v => string.Equals(Name(v!.Value), apiVersion, StringComparison.OrdinalIgnoreCase));

    // V2025_04_01_Preview -> 2025-04-01-preview
    private static string Name(AzureOpenAIClientOptions.ServiceVersion version) => version.ToString().TrimStart('V').Replace('_', '-').ToLowerInvariant();
}
