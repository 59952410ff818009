using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace VoiceAgent.Providers.Tools;

/// <summary>Tool call metrics on the meter <c>VoiceAgent.Tools</c>: calls by tool and outcome, and their duration.</summary>
/// <remarks>Share one instance per process (a singleton made with the host's <see cref="IMeterFactory"/>).</remarks>
public sealed class ToolMetrics
{
    public const string MeterName = "VoiceAgent.Tools";

    public const string Done = "done";

    public const string Failed = "failed";

    public const string Timeout = "timeout";

    public const string Cancelled = "cancelled";

    private readonly Counter<long> _calls;
    private readonly Histogram<double> _duration;

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The meter belongs to the IMeterFactory, which disposes it with the host.")]
    public ToolMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        // The meter belongs to the factory, which disposes it with the host.
        var meter = meterFactory.Create(MeterName);
        _calls = meter.CreateCounter<long>("voiceagent.tool.calls", description: "Tool calls by tool and outcome (done, failed, timeout, cancelled).");
        _duration = meter.CreateHistogram<double>("voiceagent.tool.duration", unit: "ms", description: "How long tool calls took.");
    }

    internal void Finished(string tool, string outcome, TimeSpan took)
    {
        var tags = new TagList { { "tool", tool }, { "outcome", outcome } };
        _calls.Add(1, tags);
        _duration.Record(took.TotalMilliseconds, tags);
    }
}
