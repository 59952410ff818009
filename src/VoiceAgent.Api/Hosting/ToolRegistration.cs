using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using VoiceAgent.Pipeline.Llm;
using VoiceAgent.Providers.Tools;

namespace VoiceAgent.Api.Hosting;

/// <summary>
/// Registers the agent's tools from <c>VoiceAgent:Tools</c> (built-ins, HTTP tools, MCP servers; none by default), the
/// catalog the LLM stage offers per turn, and the function-invoking chat chain around the configured LLM.
/// </summary>
public static class ToolRegistration
{
    public const string SectionName = ToolsOptions.SectionName;

    public static IServiceCollection AddAgentTools(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ToolsOptions>().Bind(configuration.GetSection(SectionName))
            .Validate(o => o.MaxRounds is >= 1 and <= 50, "VoiceAgent:Tools:MaxRounds must be 1..50.")
            .Validate(o => o.FillerAfterMs >= 0, "VoiceAgent:Tools:FillerAfterMs must not be negative.")
            .ValidateOnStart();
        services.AddSingleton(sp => new ToolMetrics(sp.GetRequiredService<IMeterFactory>()));
        services.AddSingleton(_ => Sources(configuration));
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<ToolSourcesOptions>();
            var timings = new McpConnectionTimings(
                TimeSpan.FromMilliseconds(o.McpConnectTimeoutMs), TimeSpan.FromMilliseconds(o.McpPingIntervalMs), TimeSpan.FromMilliseconds(o.McpReconnectDelayMs));
            return new McpToolSource(o.Mcp, timings, sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>());
        });
        services.AddHostedService<McpStartup>();
        services.AddSingleton<IToolCatalog>(sp =>
        {
            var o = sp.GetRequiredService<ToolSourcesOptions>();
            var time = sp.GetRequiredService<TimeProvider>();
            // One client for every HTTP tool: pooled connections, recycled so DNS changes are seen; GuardedTool times calls.
            var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }) { Timeout = Timeout.InfiniteTimeSpan };
            return new ToolCatalog(
                o,
                BuiltInTools.Create(o.BuiltIn, o.TimeZone, time),
                [.. o.Http.Select(h => new HttpTool(h, http, o.MaxResultChars * 4))],
                o.Mcp.Count > 0 ? sp.GetRequiredService<McpToolSource>() : null,
                sp.GetRequiredService<ToolMetrics>(),
                time);
        });
        return services;
    }

    /// <summary>The LLM the pipeline talks to: the configured engine(s) inside the function-invoking client (which logs its calls) and telemetry.</summary>
    /// <remarks>
    /// No <c>UseLogging</c>: engine failures are already logged once, as warnings, by the resilience layer (a failed turn is
    /// not a service error), while LoggingChatClient would log each again as an error, and whole conversations at Trace.
    /// </remarks>
    public static IChatClient WithToolCalling(IChatClient engine, IServiceProvider sp)
    {
        var options = sp.GetRequiredService<IOptions<ToolsOptions>>().Value;
        var loggers = sp.GetRequiredService<ILoggerFactory>();
        return new ChatClientBuilder(engine)
            .UseFunctionInvocation(loggers, f =>
            {
                // MaxRounds rounds of tool calls; then the client asks the model once more without tools, so that it answers.
                f.MaximumIterationsPerRequest = options.MaxRounds;
                // A failing tool is reported to the model (with its error, so it can say what went wrong) until the rounds run out.
                f.MaximumConsecutiveErrorsPerRequest = options.MaxRounds;
                f.IncludeDetailedErrors = true;
            })
            .UseOpenTelemetry(loggers, "VoiceAgent.Llm")
            .Build(sp);
    }

    // Binding keeps strings only, so a schema given as an object is turned back into JSON here.
    private static ToolSourcesOptions Sources(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var o = section.Get<ToolSourcesOptions>() ?? new ToolSourcesOptions();
        var http = section.GetSection("Http").GetChildren().ToList();
        for (var i = 0; i < o.Http.Count && i < http.Count; i++)
        {
            var tool = o.Http[i];
            if (string.IsNullOrWhiteSpace(tool.ParametersJson) && ConfigurationJson.ToJson(http[i].GetSection("Parameters")) is { } schema)
            {
                tool.ParametersJson = schema.ToJsonString();
            }

            Validate(tool);
        }

        foreach (var server in o.Mcp)
        {
            if (string.IsNullOrWhiteSpace(server.Name) || (string.IsNullOrWhiteSpace(server.Command) == string.IsNullOrWhiteSpace(server.Url)))
            {
                throw new OptionsValidationException(SectionName, typeof(McpServerOptions), [$"{SectionName}:Mcp: each server needs a Name and either a Command (stdio) or a Url (Streamable HTTP)."]);
            }

            if (server.Url is { Length: > 0 } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
            {
                throw new OptionsValidationException(SectionName, typeof(McpServerOptions), [$"{SectionName}:Mcp: server '{server.Name}' needs an absolute http(s) Url, not '{url}'."]);
            }
        }

        if (o.McpConnectTimeoutMs <= 0 || o.McpPingIntervalMs <= 0 || o.McpReconnectDelayMs <= 0)
        {
            throw new OptionsValidationException(SectionName, typeof(ToolSourcesOptions), [$"{SectionName}: McpConnectTimeoutMs, McpPingIntervalMs and McpReconnectDelayMs must be positive."]);
        }

        return o;
    }

    private static void Validate(HttpToolOptions tool)
    {
        List<string> errors = [];
        if (string.IsNullOrWhiteSpace(tool.Name) || !tool.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            errors.Add($"{SectionName}:Http: tool name '{tool.Name}' must be letters, digits, '_' or '-'.");
        }

        if (!Uri.TryCreate(tool.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            errors.Add($"{SectionName}:Http: tool '{tool.Name}' needs an absolute http(s) Url.");
        }

        if (tool.Method.ToUpperInvariant() is not ("GET" or "POST"))
        {
            errors.Add($"{SectionName}:Http: tool '{tool.Name}' Method must be GET or POST.");
        }

        try
        {
            HttpTool.Schema(tool);
        }
        catch (System.Text.Json.JsonException ex)
        {
            errors.Add($"{SectionName}:Http: tool '{tool.Name}' has parameters that are not a JSON Schema object: {ex.Message}");
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(SectionName, typeof(HttpToolOptions), errors);
        }
    }

    /// <summary>
    /// Lists the MCP servers' tools before the service takes requests (a server that fails is logged and skipped). Taking the
    /// catalog builds it, so a misconfigured tool (unknown built-in, bad schema or time zone) stops the start with its key.
    /// </summary>
    private sealed class McpStartup : IHostedService
    {
        private readonly McpToolSource _mcp;
        private readonly ToolSourcesOptions _options;

        public McpStartup(McpToolSource mcp, ToolSourcesOptions options, IToolCatalog catalog)
        {
            ArgumentNullException.ThrowIfNull(catalog);
            _mcp = mcp;
            _options = options;
        }

        public Task StartAsync(CancellationToken cancellationToken) =>
            _options.Mcp.Count == 0 ? Task.CompletedTask : _mcp.StartAsync(cancellationToken);

        public async Task StopAsync(CancellationToken cancellationToken) => await _mcp.DisposeAsync();
    }
}
