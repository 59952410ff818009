using System.ComponentModel;
using ModelContextProtocol.Server;

namespace VoiceAgent.McpTestServer;

/// <summary>The test server's tools.</summary>
[McpServerToolType]
public sealed class ForecastTools
{
    [McpServerTool(Name = "forecast"), Description("Tomorrow's forecast for a city.")]
    public static string Forecast([Description("The city")] string city) => $"{city}: light rain tomorrow, 14 degrees";
}
