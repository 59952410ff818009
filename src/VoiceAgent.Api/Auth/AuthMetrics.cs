using System.Diagnostics.Metrics;

namespace VoiceAgent.Api.Auth;

/// <summary>Requests by the key's name and outcome (<c>voiceagent_auth_requests_total</c>); a refused key has no name and is counted as such.</summary>
public sealed class AuthMetrics : IDisposable
{
    public const string MeterName = "VoiceAgent.Auth";

    private readonly Meter _meter;
    private readonly Counter<long> _requests;

    public AuthMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _requests = _meter.CreateCounter<long>("voiceagent.auth.requests", description: "Requests by API key name and outcome (accepted, forbidden, refused)");
    }

    public void Accepted(ApiCaller caller) => Count(caller.Name, "accepted");

    public void Forbidden(ApiCaller caller) => Count(caller.Name, "forbidden");

    public void Refused() => Count("", "refused");

    public void Dispose() => _meter.Dispose();

    private void Count(string tenant, string outcome) =>
        _requests.Add(1, new KeyValuePair<string, object?>("tenant", tenant), new KeyValuePair<string, object?>("outcome", outcome));
}
