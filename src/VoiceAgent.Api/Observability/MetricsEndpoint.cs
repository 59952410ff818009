using VoiceAgent.Api.Auth;

namespace VoiceAgent.Api.Observability;

/// <summary><c>GET /metrics</c>: the Prometheus text format, for operator keys only (another valid key gets 403).</summary>
public static class MetricsEndpoint
{
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", (PrometheusExporter exporter) => Results.Text(exporter.Scrape(), "text/plain; version=0.0.4; charset=utf-8")).RequireOperatorKey();
        return app;
    }
}
