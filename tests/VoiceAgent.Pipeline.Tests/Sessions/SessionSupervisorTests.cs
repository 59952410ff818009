using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Tests.Fakes;

namespace VoiceAgent.Pipeline.Tests.Sessions;

public class SessionSupervisorTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Every_session_admitted_while_the_drain_begins_is_drained()
    {
        // Admissions race the start of the drain many times over: a session admitted between the stopping check and the
        // drain's snapshot would never be told to drain, and so never released.
        for (var round = 0; round < 40; round++)
        {
            var supervisor = NewSupervisor(maxSessions: 100_000);
            var (admitted, drained) = (0, 0);
            using var go = new ManualResetEventSlim();
            var admitters = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
            {
                go.Wait(Timeout);
                while (supervisor.TryAdmit("call", out var lease))
                {
                    Interlocked.Increment(ref admitted);

                    // A session ends when it is told to drain, as a call does after its reply.
                    lease!.Draining.Register(() =>
                    {
                        Interlocked.Increment(ref drained);
                        lease.Dispose();
                    });
                }
            })).ToArray();

            go.Set();
            await Task.Yield();
            await supervisor.StoppingAsync(CancellationToken.None).WaitAsync(Timeout);
            await supervisor.StopAsync(CancellationToken.None).WaitAsync(Timeout);
            await Task.WhenAll(admitters).WaitAsync(Timeout);

            supervisor.TryAdmit("call", out _).ShouldBeFalse();
            drained.ShouldBe(admitted, $"round {round}");
            supervisor.ActiveSessions.ShouldBe(0, $"round {round}");
        }
    }

    [Fact]
    public async Task Sessions_are_counted_where_they_are_admitted_and_released()
    {
        using var meters = new TestMeterFactory();
        var metrics = new PipelineMetrics(meters);
        var started = new ConcurrentDictionary<string, long>();
        var active = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Scope == meters)
            {
                l.EnableMeasurementEvents(i);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, value, tags, _) =>
        {
            var kind = (string)tags[0].Value!;
            var counts = i.Name == "voiceagent.sessions" ? started : i.Name == "voiceagent.sessions.active" ? active : null;
            counts?.AddOrUpdate(kind, value, (_, v) => v + value);
        });
        listener.Start();
        var supervisor = NewSupervisor(maxSessions: 2, metrics);

        supervisor.TryAdmit("recorded", out var a).ShouldBeTrue();
        supervisor.TryAdmit("call", out var b).ShouldBeTrue();
        supervisor.TryAdmit("call", out _).ShouldBeFalse(); // refused: not a session
        a!.Dispose();
        a.Dispose(); // released once only

        started.ShouldBe(new Dictionary<string, long> { ["recorded"] = 1, ["call"] = 1 }, ignoreOrder: true);
        active["recorded"].ShouldBe(0);
        active["call"].ShouldBe(1);
        b!.Dispose();
        active["call"].ShouldBe(0);
        await supervisor.StopAsync(CancellationToken.None).WaitAsync(Timeout);
    }

    private static SessionSupervisor NewSupervisor(int maxSessions, PipelineMetrics? metrics = null) => new(
        Options.Create(new SessionSupervisorOptions { MaxSessions = maxSessions, DrainTimeout = TimeSpan.FromSeconds(5) }),
        NullLogger<SessionSupervisor>.Instance,
        metrics: metrics);
}
