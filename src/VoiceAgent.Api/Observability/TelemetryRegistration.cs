using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using VoiceAgent.Pipeline.Turns.Tracing;

namespace VoiceAgent.Api.Observability;

/// <summary>
/// Metrics and traces through OpenTelemetry: every <c>VoiceAgent*</c> meter and the runtime's own for <c>/metrics</c>
/// (Prometheus) and, when the standard <c>OTEL_*</c> variables name an endpoint, OTLP export of metrics and of each turn's trace.
/// </summary>
public static class TelemetryRegistration
{
    /// <summary>The LLM chain's telemetry source and meter (M.E.AI's <c>UseOpenTelemetry</c>): its spans nest under a turn's <c>llm</c> span.</summary>
    public const string LlmSourceName = "VoiceAgent.Llm";

    // Latency histograms in ms keep the buckets /metrics always had (OpenTelemetry's defaults are coarser below 100 ms).
    private static readonly double[] LatencyBuckets = [1, 2, 5, 10, 20, 50, 100, 150, 200, 300, 500, 750, 1000, 2000, 5000, 10000];

    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<TurnTracing>();
        var own = new HostMeters();
        services.AddSingleton(own);
        var telemetry = services.AddOpenTelemetry()
            // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES are read by the SDK; this is only the name when none is set.
            .ConfigureResource(r => r.AddService(configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : "voiceagent"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter("VoiceAgent*", "System.Runtime")
                    .AddView(i => own.IsOther(i.Meter) ? MetricStreamConfiguration.Drop
                        : i is System.Diagnostics.Metrics.Histogram<double> { Unit: "ms" } ? new ExplicitBucketHistogramConfiguration { Boundaries = LatencyBuckets }
                        : null)
                    .AddPrometheusExporter(o =>
                    {
                        // The names and labels /metrics had: no scope labels on every series, no response cache between scrapes.
                        o.ScopeInfoEnabled = false;
                        o.ScrapeResponseCacheDurationMilliseconds = 0;
                    });
                if (OtlpConfigured(configuration, "METRICS"))
                {
                    metrics.AddOtlpExporter();
                }
            });

        // Traces cost something per turn, so they are collected only when there is somewhere to send them.
        if (OtlpConfigured(configuration, "TRACES"))
        {
            telemetry.WithTracing(tracing => tracing.AddSource(TurnTracing.SourceName, LlmSourceName).AddOtlpExporter());
        }

        return services;
    }

    /// <summary>An OTLP endpoint for the signal (<c>OTEL_EXPORTER_OTLP_{signal}_ENDPOINT</c>) or for all (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>).</summary>
    private static bool OtlpConfigured(IConfiguration configuration, string signal) =>
        !string.IsNullOrWhiteSpace(configuration[$"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT"]) || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
}
