using System.Diagnostics.Metrics;

namespace VoiceAgent.Api.Auth;

/// <summary>Requests by the key's name and outcome (<c>voiceagent_auth_requests_total</c>); a refused key has no name and is counted as such.</summary>
public sealed class AuthMetrics
{
    public const string MeterName = "VoiceAgent.Auth";

    private readonly Counter<long> _requests;

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The meter belongs to the IMeterFactory, which disposes it with the host.")]
    public AuthMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        // The meter belongs to the factory, which disposes it with the host.
        _requests = meterFactory.Create(MeterName).CreateCounter<long>("voiceagent.auth.requests", description: "Requests by API key name and outcome (accepted, forbidden, refused)");
    }

    public void Accepted(ApiCaller caller) => Count(caller.Name, "accepted");

    public void Forbidden(ApiCaller caller) => Count(caller.Name, "forbidden");

    public void Refused() => Count("", "refused");

    private void Count(string tenant, string outcome) =>
        _requests.Add(1, new KeyValuePair<string, object?>("tenant", tenant), new KeyValuePair<string, object?>("outcome", outcome));
}
