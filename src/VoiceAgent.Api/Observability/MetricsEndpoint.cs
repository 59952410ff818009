using VoiceAgent.Api.Auth;

namespace VoiceAgent.Api.Observability;

/// <summary><c>GET /metrics</c>: the Prometheus text format, behind the API key like every endpoint but <c>/health</c>.</summary>
public static class MetricsEndpoint
{
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", (PrometheusExporter exporter) => Results.Text(exporter.Scrape(), "text/plain; version=0.0.4; charset=utf-8")).RequireApiKey();
        return app;
    }
}
