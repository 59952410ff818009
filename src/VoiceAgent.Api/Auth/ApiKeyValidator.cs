using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Api.Auth;

/// <summary>
/// Resolves bearer keys to callers in constant time (every configured key is compared, by SHA-256 digest, whatever
/// matches first). The keys are rebuilt whenever configuration changes, so a key is rotated without a restart.
/// </summary>
public sealed partial class ApiKeyValidator : IDisposable
{
    private readonly ILogger<ApiKeyValidator> _logger;
    private readonly IDisposable? _subscription;
    private volatile Entry[] _entries;
    private volatile bool _open;

    public ApiKeyValidator(IOptionsMonitor<AuthOptions> options, ILogger<ApiKeyValidator> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = logger;
        _entries = Build(options.CurrentValue);
        _open = _entries.Length == 0;
        FirstTenant = _entries.Length > 0 ? _entries[0].Caller.Tenant : null;
        _subscription = options.OnChange(Reload);
    }

    /// <summary>
    /// True when no keys were configured at start-up and none since: any non-empty bearer is then accepted as the one
    /// tenant. A service that had keys never opens up again, even if a bad edit leaves none: it refuses everyone.
    /// </summary>
    public bool Open => _open;

    /// <summary>The tenant of the first key configured at start-up (null when open): the default owner of data from before tenants.</summary>
    public TenantId? FirstTenant { get; }

    /// <summary>The caller this key acts as, or null when the key is missing or unknown.</summary>
    public ApiCaller? Resolve(string? key)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            return null;
        }

        if (_open)
        {
            return ApiCaller.Open;
        }

        var digest = Digest(key);
        ApiCaller? found = null;
        foreach (var entry in _entries)
        {
            // No early exit: the time taken does not tell which entry (if any) matched.
            if (CryptographicOperations.FixedTimeEquals(entry.Digest, digest))
            {
                found ??= entry.Caller;
            }
        }

        return found;
    }

    public bool IsValid(string? key) => Resolve(key) is not null;

    public void Dispose() => _subscription?.Dispose();

    /// <summary>The tenant a plain <c>ApiKeys</c> entry acts as: <c>key-</c> and 12 hex digits of its digest, never the key.</summary>
    public static TenantId LegacyTenantOf(string key) => new("key-" + Convert.ToHexStringLower(Digest(key), 0, 6));

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key.Trim()));

    private void Reload(AuthOptions options)
    {
        var entries = Build(options);
        _entries = entries;
        if (entries.Length > 0)
        {
            _open = false;
            var tenants = string.Join(", ", entries.Select(e => e.Caller.Name).Distinct(StringComparer.Ordinal));
            LogReloaded(_logger, entries.Length, tenants);
        }
        else if (!_open)
        {
            LogNoKeysLeft(_logger);
        }
    }

    private Entry[] Build(AuthOptions options)
    {
        var entries = new List<Entry>();
        for (var i = 0; i < options.Keys.Count; i++)
        {
            var k = options.Keys[i];
            if (!TenantId.IsValid(k.Name))
            {
                LogBadEntry(_logger, i, "Name must be 1-64 ASCII letters, digits, '-', '_' and '.', not starting with '.'");
                continue;
            }

            byte[]? digest = null;
            if (!string.IsNullOrWhiteSpace(k.Key))
            {
                digest = Digest(k.Key);
            }
            else if (k.KeySha256 is { } hex && hex.Trim().Length == 64 && hex.Trim().All(char.IsAsciiHexDigit))
            {
                digest = Convert.FromHexString(hex.Trim());
            }

            if (digest is null)
            {
                LogBadEntry(_logger, i, string.Create(CultureInfo.InvariantCulture, $"'{k.Name}' needs a Key or a KeySha256 of 64 hex digits"));
                continue;
            }

            entries.Add(new Entry(digest, new ApiCaller(new TenantId(k.Name), k.Operator)));
        }

        foreach (var key in options.ApiKeys.Where(k => !string.IsNullOrWhiteSpace(k)))
        {
            entries.Add(new Entry(Digest(key), new ApiCaller(LegacyTenantOf(key), Operator: false)));
        }

        return [.. entries];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "API keys reloaded: {Count} keys, for {Tenants}")]
    private static partial void LogReloaded(ILogger logger, int count, string tenants);

    [LoggerMessage(Level = LogLevel.Error, Message = "API keys reloaded with no valid key left: every request is refused until one is configured")]
    private static partial void LogNoKeysLeft(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "VoiceAgent:Auth:Keys:{Index} is ignored: {Problem}")]
    private static partial void LogBadEntry(ILogger logger, int index, string problem);

    private sealed record Entry(byte[] Digest, ApiCaller Caller);
}
