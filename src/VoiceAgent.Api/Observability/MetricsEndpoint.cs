using VoiceAgent.Api.Auth;

namespace VoiceAgent.Api.Observability;

/// <summary><c>GET /metrics</c>: OpenTelemetry's Prometheus exporter, for operator keys only (another valid key gets 403).</summary>
public static class MetricsEndpoint
{
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics").RequireOperatorKey();
        return app;
    }
}
