using System.Diagnostics;

namespace VoiceAgent.Pipeline.Turns.Tracing;

/// <summary>A scoped span of a turn (<see cref="TurnTracer.StartSpan"/>): disposing it ends the span at the injected clock's now.</summary>
public readonly struct TurnSpan(Activity? activity, TimeProvider time) : IDisposable
{
    /// <summary>The span, for tags and status; null when the turn is not traced.</summary>
    public Activity? Activity { get; } = activity;

    public void Dispose()
    {
        if (Activity is null)
        {
            return;
        }

        // Activity.Stop would take the system clock; the start came from the injected one.
        Activity.SetEndTime(time.GetUtcNow().UtcDateTime);
        Activity.Stop();
    }
}
