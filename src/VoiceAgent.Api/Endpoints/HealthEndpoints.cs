using VoiceAgent.Api.Hosting;
using VoiceAgent.Api.Protocol;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Providers.Tools;

namespace VoiceAgent.Api.Endpoints;

/// <summary>
/// <c>GET /health</c> (§5): healthy with a timestamp; unhealthy and 503 when an engine cannot run; "at capacity" and 503
/// (with Retry-After) while a new call would be refused, so a load balancer sends new calls elsewhere. MCP servers' state
/// and the admission figures beside. No auth.
/// </summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", (HttpContext context, EngineHealth engines, McpToolSource mcp, SessionSupervisor supervisor, TimeProvider time) =>
        {
            var checks = engines.Check();
            var healthy = checks.All(c => c.Healthy);
            var capacity = supervisor.Capacity();
            var status = !healthy ? "unhealthy" : capacity.AtCapacity ? "at capacity" : "healthy";
            if (healthy && capacity.AtCapacity)
            {
                context.Response.Headers.RetryAfter = "1";
            }

            var body = new
            {
                status,
                timestamp = time.GetUtcNow().ToString("o", System.Globalization.CultureInfo.InvariantCulture),
                engines = checks.ToDictionary(c => c.Stage, c => new { provider = c.Provider, status = c.Healthy ? "ready" : "unavailable", error = c.Error }),
                // Tool servers are reported, not judged: the agent still talks without them.
                mcp_servers = mcp.Status.ToDictionary(m => m.Name, m => new { status = m.Connected ? "connected" : "unavailable", tools = m.Tools, error = m.Error, connections = m.Connections }),
                capacity = new
                {
                    status = capacity.AtCapacity ? "at capacity" : "available",
                    calls = capacity.Calls,
                    max_calls = capacity.MaxCalls,
                    sessions = capacity.Sessions,
                    max_sessions = capacity.MaxSessions,
                    scheduling_lag_ms = Math.Round(capacity.SchedulingLagMs, 2),
                    max_scheduling_lag_ms = capacity.MaxSchedulingLagMs,
                },
            };
            return Results.Json(body, ApiJson.Options, statusCode: status == "healthy" ? 200 : 503);
        });
        return app;
    }
}
