using System.Runtime.InteropServices;

namespace VoiceAgent.EspeakWorker;

/// <summary>Ends this worker when the service that started it is gone, even if something still holds our stdin open.</summary>
/// <remarks>
/// Not PR_SET_PDEATHSIG: that signal follows the *thread* that forked us, and .NET starts processes from pool threads that
/// retire when idle, which would kill healthy workers. When the service dies we are re-parented, so getppid() changes.
/// </remarks>
internal static partial class ParentWatch
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>Exits the process with code 3 as soon as its parent is no longer <paramref name="parentId"/>.</summary>
    public static async Task RunAsync(int parentId, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            if (GetParentProcessId() != parentId)
            {
                Environment.Exit(3);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "getppid")]
    private static partial int GetParentProcessId();
}
