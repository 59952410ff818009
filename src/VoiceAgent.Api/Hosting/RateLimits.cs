using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using VoiceAgent.Api.Auth;
using VoiceAgent.Api.Protocol;

namespace VoiceAgent.Api.Hosting;

/// <summary>
/// Per-key limits with ASP.NET Core's rate limiter: a request rate for HTTP calls and a concurrency limit for calls and
/// streams. The partition is the key's name (its tenant, so a rotated key keeps its budget), or the key's digest for an
/// unknown key or a service without keys, never the key. Refusals are 429 with Retry-After and an OpenAI error body.
/// </summary>
public static class RateLimits
{
    public const string Requests = "per-key-requests";
    public const string Calls = "per-key-calls";

    public static IServiceCollection AddPerKeyRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = configuration.GetSection("VoiceAgent:Limits").Get<LimitsOptions>() ?? new LimitsOptions();
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(Requests, context => limits.RequestsPerMinutePerKey <= 0
                ? RateLimitPartition.GetNoLimiter("all")
                : RateLimitPartition.GetFixedWindowLimiter(KeyOf(context), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limits.RequestsPerMinutePerKey,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
            o.AddPolicy(Calls, context => limits.ConcurrentCallsPerKey <= 0
                ? RateLimitPartition.GetNoLimiter("all")
                : RateLimitPartition.GetConcurrencyLimiter(KeyOf(context), _ => new ConcurrencyLimiterOptions { PermitLimit = limits.ConcurrentCallsPerKey, QueueLimit = 0 }));
            o.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? (int)Math.Ceiling(after.TotalSeconds) : 1;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await OpenAIError.Result(429, "Too many requests for this API key; retry later.", "rate_limit_exceeded", "rate_limited").ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }

    /// <summary>
    /// The caller's tenant, or a short digest of an unknown key (bearer or <c>?token=</c>), so limits apply per tenant
    /// without keeping keys. The limiter runs before the key filter, hence its own look-up.
    /// </summary>
    private static string KeyOf(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var key = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : context.Request.Query["token"].ToString();
        if (key.Length == 0)
        {
            return VoiceAgent.Api.Telephony.CarrierRateLimitKey.Of(context) ?? "anonymous";
        }

        // With no keys configured every bearer is the one tenant, but each still gets its own budget, as before tenants.
        var keys = context.RequestServices.GetRequiredService<ApiKeyValidator>();
        return !keys.Open && keys.Resolve(key) is { } caller
            ? "tenant:" + caller.Name
            : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)), 0, 12);
    }
}
