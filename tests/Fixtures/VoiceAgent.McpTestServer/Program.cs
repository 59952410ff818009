using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VoiceAgent.McpTestServer;

// A small MCP server for the service's tests, written with the official SDK's server side: over stdio by default, or
// Streamable HTTP with `--http http://127.0.0.1:PORT/mcp` (the SDK's ASP.NET Core server). `--tides` adds a second tool,
// so that a restarted server can be told apart by the tools it lists.
var http = Option(args, "--http");
var tides = args.Contains("--tides");
if (http is null)
{
    // stdout carries the protocol, so every log goes to stderr.
    var builder = Host.CreateApplicationBuilder(args);
    builder.Logging.ClearProviders();
    builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    var mcp = builder.Services.AddMcpServer().WithStdioServerTransport().WithTools<ForecastTools>();
    if (tides)
    {
        mcp.WithTools<TideTools>();
    }

    await builder.Build().RunAsync();
}
else
{
    var uri = new Uri(http);
    var builder = WebApplication.CreateBuilder();
    builder.Logging.ClearProviders();
    builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Warning);
    builder.WebHost.UseUrls(uri.GetLeftPart(UriPartial.Authority));
    var mcp = builder.Services.AddMcpServer().WithHttpTransport().WithTools<ForecastTools>();
    if (tides)
    {
        mcp.WithTools<TideTools>();
    }

    var app = builder.Build();
    app.MapMcp(uri.AbsolutePath);
    // The test waits for this line before it connects.
    app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine("listening"));
    await app.RunAsync();
}

static string? Option(string[] args, string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
