using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Pipeline.Tests.Sessions;

/// <summary>Admission by configured call limit and by measured scheduling lag, the one decision every transport asks.</summary>
public class AdmissionTests
{
    [Fact]
    public void Live_calls_stop_at_MaxCalls_while_other_sessions_still_get_in_and_a_hung_up_call_frees_its_place()
    {
        var supervisor = NewSupervisor(new CapacityOptions { MaxCalls = 2 });

        supervisor.Admit("call", liveCall: true, out var browser).ShouldBe(AdmissionDecision.Admitted);
        supervisor.Admit("phone", liveCall: true, out var phone).ShouldBe(AdmissionDecision.Admitted);
        supervisor.Admit("phone", liveCall: true, out var refused).ShouldBe(AdmissionDecision.AtCallLimit);
        refused.ShouldBeNull();
        supervisor.Capacity().AtCapacity.ShouldBeTrue();

        // A streaming reply is not a live call: MaxCalls does not hold it back.
        supervisor.TryAdmit("http", out var reply).ShouldBeTrue();
        supervisor.Capacity().ShouldBe(new CapacitySnapshot(3, 100, 2, 2, 0, 0));

        browser!.Dispose();
        browser.Dispose(); // twice: released once
        supervisor.Capacity().Calls.ShouldBe(1);
        supervisor.Capacity().AtCapacity.ShouldBeFalse();
        supervisor.Admit("call", liveCall: true, out var again).ShouldBe(AdmissionDecision.Admitted);

        foreach (var lease in new[] { phone, reply, again })
        {
            lease!.Dispose();
        }

        supervisor.Capacity().ShouldBe(new CapacitySnapshot(0, 100, 0, 2, 0, 0));
    }

    [Fact]
    public void MaxSessions_is_reported_before_MaxCalls()
    {
        var supervisor = NewSupervisor(new CapacityOptions { MaxCalls = 5 }, maxSessions: 1);
        supervisor.Admit("call", liveCall: true, out var first).ShouldBe(AdmissionDecision.Admitted);
        supervisor.Admit("call", liveCall: true, out _).ShouldBe(AdmissionDecision.AtSessionLimit);
        first!.Dispose();
    }

    [Fact]
    public async Task A_lasting_scheduling_lag_refuses_every_kind_and_admission_reopens_when_it_passes()
    {
        var capacity = Options.Create(new CapacityOptions { MaxSchedulingLagMs = 50, LagWindow = 5 });
        using var monitor = new SchedulingLagMonitor(capacity, new FakeTimeProvider());
        await monitor.StartAsync(CancellationToken.None);
        var supervisor = NewSupervisor(capacity.Value, monitor: monitor);

        monitor.Record(400); // one pause: the median of one sample is that sample
        monitor.Record(80);
        monitor.Record(80);
        supervisor.Admit("call", liveCall: true, out _).ShouldBe(AdmissionDecision.Overloaded);
        supervisor.TryAdmit("http", out _).ShouldBeFalse();
        supervisor.Capacity().AtCapacity.ShouldBeTrue();

        // On-time ticks: once they are most of the window, the median falls back under the limit.
        monitor.Record(1);
        monitor.Record(1);
        monitor.Record(1);
        monitor.MedianLagMs.ShouldBe(1);
        supervisor.Admit("call", liveCall: true, out var lease).ShouldBe(AdmissionDecision.Admitted);
        lease!.Dispose();
        await monitor.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task The_monitor_samples_the_clock_every_100_ms()
    {
        var time = new FakeTimeProvider();
        using var monitor = new SchedulingLagMonitor(Options.Create(new CapacityOptions { LagWindow = 50 }), time);
        await monitor.StartAsync(CancellationToken.None);
        for (var i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        // A fake clock runs each callback exactly when due: ten on-time samples, the timer re-armed after each.
        monitor.Samples.ShouldBe(10);
        monitor.MedianLagMs.ShouldBe(0);
        await monitor.StopAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(1));
        monitor.Samples.ShouldBe(10, "a stopped monitor has no timer left to fire");
    }

    [Fact]
    public void The_lag_median_ignores_one_pause()
    {
        var window = new SchedulingLagWindow(5);
        window.Median.ShouldBe(0);
        foreach (var lag in new[] { 1.0, 2.0, 500.0, 1.5, 2.5 })
        {
            window.Add(lag);
        }

        window.Median.ShouldBe(2.0);
        window.Add(3); // the oldest (1.0) falls out: 2, 500, 1.5, 2.5, 3
        window.Median.ShouldBe(2.5);
    }

    [Fact]
    public void Bad_capacity_settings_are_refused_with_the_key()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new CapacityOptions { MaxCalls = -1 }.Validate()).Message.ShouldContain("VoiceAgent:Capacity:MaxCalls");
        Should.Throw<ArgumentOutOfRangeException>(() => new CapacityOptions { LagWindow = 0 }.Validate()).Message.ShouldContain("LagWindow");
    }

    private static SessionSupervisor NewSupervisor(CapacityOptions capacity, int maxSessions = 100, SchedulingLagMonitor? monitor = null) => new(
        Options.Create(new SessionSupervisorOptions { MaxSessions = maxSessions }),
        NullLogger<SessionSupervisor>.Instance,
        capacity: Options.Create(capacity),
        lag: monitor);
}
