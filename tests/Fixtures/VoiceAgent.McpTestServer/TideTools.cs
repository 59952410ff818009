using System.ComponentModel;
using ModelContextProtocol.Server;

namespace VoiceAgent.McpTestServer;

/// <summary>A second tool, offered only with <c>--tides</c>.</summary>
[McpServerToolType]
public sealed class TideTools
{
    [McpServerTool(Name = "tides"), Description("Today's high tide in a harbour.")]
    public static string Tides([Description("The harbour")] string harbour) => $"{harbour}: high tide at 14:05";
}
