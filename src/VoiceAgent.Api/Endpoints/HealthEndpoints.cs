using VoiceAgent.Api.Hosting;
using VoiceAgent.Api.Protocol;
using VoiceAgent.Providers.Tools;

namespace VoiceAgent.Api.Endpoints;

/// <summary><c>GET /health</c> (§5): healthy with a timestamp, or unhealthy and 503 when an engine cannot run; MCP servers' state beside. No auth.</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", (EngineHealth engines, McpToolSource mcp, TimeProvider time) =>
        {
            var checks = engines.Check();
            var healthy = checks.All(c => c.Healthy);
            var body = new
            {
                status = healthy ? "healthy" : "unhealthy",
                timestamp = time.GetUtcNow().ToString("o", System.Globalization.CultureInfo.InvariantCulture),
                engines = checks.ToDictionary(c => c.Stage, c => new { provider = c.Provider, status = c.Healthy ? "ready" : "unavailable", error = c.Error }),
                // Tool servers are reported, not judged: the agent still talks without them.
                mcp_servers = mcp.Status.ToDictionary(m => m.Name, m => new { status = m.Connected ? "connected" : "unavailable", tools = m.Tools, error = m.Error, connections = m.Connections }),
            };
            return Results.Json(body, ApiJson.Options, statusCode: healthy ? 200 : 503);
        });
        return app;
    }
}
