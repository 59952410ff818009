using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Llm;

namespace VoiceAgent.Providers.Tools;

/// <summary>
/// Every configured tool (built-ins, HTTP tools, the MCP servers' tools), offered per turn: narrowed to the session's
/// names, bound to its conversation, each behind a <see cref="GuardedTool"/> (timeout, result cap, metrics).
/// </summary>
public sealed class ToolCatalog(
    ToolSourcesOptions options, IReadOnlyList<AIFunction> builtIns, IReadOnlyList<HttpTool> http, McpToolSource? mcp, ToolMetrics metrics, TimeProvider time) : IToolCatalog
{
    private readonly TimeSpan _defaultTimeout = TimeSpan.FromMilliseconds(options.DefaultTimeoutMs);

    /// <summary>True when any tool source is configured (the MCP servers' tools may arrive later).</summary>
    public bool Any => builtIns.Count > 0 || http.Count > 0 || options.Mcp.Count > 0;

    public IReadOnlyList<AIFunction> ToolsFor(ToolScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var tools = new List<AIFunction>();
        foreach (var tool in builtIns)
        {
            Add(tool, _defaultTimeout);
        }

        foreach (var tool in http)
        {
            Add(tool.For(scope), Timeout(options.Http.FirstOrDefault(h => h.Name == tool.Name)?.TimeoutMs ?? 0));
        }

        foreach (var (tool, timeoutMs) in mcp?.Tools ?? [])
        {
            Add(tool, Timeout(timeoutMs));
        }

        return tools;

        void Add(AIFunction tool, TimeSpan timeout)
        {
            // The first source to claim a name keeps it: the model must never see two tools of one name.
            if ((scope.Enabled is null || scope.Enabled.Contains(tool.Name)) && !tools.Any(t => t.Name == tool.Name))
            {
                tools.Add(new GuardedTool(tool, timeout, options.MaxResultChars, metrics, time));
            }
        }
    }

    private TimeSpan Timeout(int ms) => ms > 0 ? TimeSpan.FromMilliseconds(ms) : _defaultTimeout;
}
