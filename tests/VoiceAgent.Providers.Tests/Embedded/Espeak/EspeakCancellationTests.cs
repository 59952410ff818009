using Microsoft.Extensions.AI;
using static VoiceAgent.Providers.Tests.Embedded.Espeak.EspeakStreamingTests;
using static VoiceAgent.Providers.Tests.Embedded.Espeak.EspeakTestAudio;

namespace VoiceAgent.Providers.Tests.Embedded.Espeak;

public sealed class EspeakCancellationTests
{
    private const string Long = "This sentence is long enough that eSpeak delivers it in several blocks, so a cancellation can land in the middle of it.";

    [Fact]
    public async Task A_cancelled_token_stops_before_synthesis()
    {
        using var client = CreateClient();

        await Should.ThrowAsync<OperationCanceledException>(client.GetAudioAsync("Hello.", null, new CancellationToken(canceled: true)).WaitAsync(TestTimeout));
    }

    [Fact]
    public async Task Cancelling_during_synthesis_aborts_it_and_the_engine_keeps_working()
    {
        using var cts = new CancellationTokenSource();
        var factory = new RecordingResamplerFactory { OnProcess = cts.Cancel }; // fires inside eSpeak's callback
        using var client = CreateClient(resamplers: factory);

        await Should.ThrowAsync<OperationCanceledException>(client.GetAudioAsync(Long, null, cts.Token).WaitAsync(TestTimeout));

        factory.Created.ShouldHaveSingleItem().ProcessCalls.ShouldBe(1); // eSpeak stopped after the callback said so
        using var fresh = CreateClient();
        Samples(await fresh.GetAudioAsync("Hello there.").WaitAsync(TestTimeout)).Length.ShouldBeGreaterThan(8_000);
    }

    [Fact]
    public async Task Cancelling_while_streaming_stops_the_stream()
    {
        using var client = CreateClient();
        using var cts = new CancellationTokenSource();
        var received = 0;

        await Should.ThrowAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingAudioAsync(Long, null, cts.Token).WithCancellation(cts.Token))
            {
                if (update.Contents.OfType<DataContent>().Any() && ++received == 2)
                {
                    await cts.CancelAsync();
                }
            }
        }).WaitAsync(TestTimeout);

        received.ShouldBe(2);
    }

    [Fact]
    public async Task Waiting_for_the_engine_can_be_cancelled()
    {
        // A synthesis that parks inside eSpeak's callback holds the process-wide lock until released (in-process mode).
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var factory = new RecordingResamplerFactory
        {
            OnProcess = () =>
            {
                entered.Set();
                release.Wait(TestTimeout);
            },
        };
        using var holder = CreateClient(resamplers: factory, workers: 0);
        using var client = CreateClient(workers: 0);
        using var cts = new CancellationTokenSource();
        var busy = Task.Run(() => holder.GetAudioAsync("Hold the lock."));
        entered.Wait(TestTimeout).ShouldBeTrue();

        var waiting = client.GetAudioAsync("Hello.", null, cts.Token);
        waiting.IsCompleted.ShouldBeFalse();
        await cts.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(waiting.WaitAsync(TestTimeout));
        release.Set();
        Samples(await busy.WaitAsync(TestTimeout)).ShouldNotBeEmpty();
    }
}
