using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace VoiceAgent.Api.Auth;

/// <summary>Checks bearer keys in constant time: every configured key is compared, by SHA-256 digest, whatever matches first.</summary>
public sealed class ApiKeyValidator
{
    private readonly byte[][] _digests;

    public ApiKeyValidator(IOptions<AuthOptions> options)
    {
        _digests = [.. options.Value.ApiKeys.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k.Trim())))];
    }

    /// <summary>True when no keys are configured: any non-empty bearer is then accepted.</summary>
    public bool Open => _digests.Length == 0;

    public bool IsValid(string? key)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            return false;
        }

        if (Open)
        {
            return true;
        }

        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(key.Trim()));
        var match = false;
        foreach (var d in _digests)
        {
            match |= CryptographicOperations.FixedTimeEquals(d, digest);
        }

        return match;
    }
}
