using System.Globalization;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace VoiceAgent.Benchmarks.Profiling;

/// <summary>
/// Where a traced service allocates: the runtime's allocation samples (one about every 100 KB, from dotnet-trace's
/// gc-verbose profile) summed by type, and by the innermost VoiceAgent method on the stack that allocated. Used by
/// bench/profile-capacity.sh; the shares are of the sampled bytes, which track allocated bytes.
/// </summary>
internal static class AllocationReport
{
    public static int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: alloc-report TRACE.nettrace [top]");
            return 2;
        }

        var top = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 25;
        var byType = new Dictionary<string, long>();
        var bySite = new Dictionary<string, long>();
        long total = 0;
        using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(args[1]));
        foreach (var e in log.Events)
        {
            if (e is not GCAllocationTickTraceData tick)
            {
                continue;
            }

            var bytes = tick.AllocationAmount64;
            total += bytes;
            Add(byType, tick.TypeName ?? "?", bytes);
            Add(bySite, Site(tick.CallStack()) + "  <- " + (tick.TypeName ?? "?"), bytes);
        }

        Console.WriteLine($"sampled allocations: {total / 1024.0 / 1024.0:F1} MB");
        Print("by type", byType, total, top);
        Print("by VoiceAgent method that allocated (innermost on the stack) and type", bySite, total, top);
        return 0;
    }

    /// <summary>The innermost frame of our own code (the caller responsible), with the frame below it for context.</summary>
    private static string Site(TraceCallStack? stack)
    {
        string? below = null;
        for (var frame = stack; frame is not null; frame = frame.Caller)
        {
            var name = frame.CodeAddress.FullMethodName;
            if (name.StartsWith("VoiceAgent.", StringComparison.Ordinal))
            {
                return below is null ? name : $"{name} > {below}";
            }

            below = string.IsNullOrEmpty(name) ? below : name;
        }

        return "(no VoiceAgent frame: runtime or ASP.NET Core) > " + (below ?? "?");
    }

    private static void Add(Dictionary<string, long> sums, string key, long bytes) =>
        sums[key] = sums.GetValueOrDefault(key) + bytes;

    private static void Print(string title, Dictionary<string, long> sums, long total, int top)
    {
        Console.WriteLine();
        Console.WriteLine($"== {title}");
        foreach (var (key, bytes) in sums.OrderByDescending(p => p.Value).Take(top))
        {
            Console.WriteLine($"{100.0 * bytes / Math.Max(1, total),5:F1}%  {bytes / 1024.0 / 1024.0,7:F1} MB  {key}");
        }
    }
}
