using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Api.Auth;

/// <summary>
/// Who is calling, resolved once by <see cref="ApiKeyFilter"/> from the key and kept in the request's features: the
/// tenant whose data the request may touch, the name logs and metrics use, and whether it may use operator endpoints.
/// </summary>
public sealed record ApiCaller(TenantId Tenant, bool Operator)
{
    /// <summary>The caller of a service with no keys configured: the one tenant, allowed everything.</summary>
    public static ApiCaller Open { get; } = new(TenantId.Default, Operator: true);

    /// <summary>The key's name, for logs and metrics (never the key).</summary>
    public string Name => Tenant.Value;

    /// <summary>The caller of a request that passed <see cref="ApiKeyFilter"/>; an endpoint without the filter has none, which is a bug.</summary>
    public static ApiCaller Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<ApiCaller>() ?? throw new InvalidOperationException("This endpoint has no API-key filter, so it has no caller.");
    }
}
