using System.Threading.Channels;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Pipeline.Tests.Sessions;

public class PipelineOutputPauseTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_paused_output_holds_the_agents_audio_and_resumes_from_the_same_frame()
    {
        using var turns = new TurnManager(CancellationToken.None);
        var reply = turns.BeginTurn();
        turns.ReplyStarted(reply);
        var data = Channel.CreateUnbounded<Frame>();
        var output = new PipelineOutput(data.Reader, turns);
        var chunks = Enumerable.Range(0, 5).Select(i => new AgentAudioFrame(reply, new AudioChunk(new byte[] { (byte)i, 0 }, AudioFormat.Pcm16Mono16k))).ToList();
        foreach (var c in chunks)
        {
            data.Writer.TryWrite(c);
        }

        (await output.ReadAsync(CancellationToken.None).AsTask().WaitAsync(Timeout)).ShouldBe(chunks[0]);
        var overlap = turns.BeginOverlap();
        var held = output.ReadAsync(CancellationToken.None).AsTask();
        await Task.Delay(100);
        held.IsCompleted.ShouldBeFalse("nothing flows while paused");
        output.HasReady.ShouldBeFalse();

        turns.DropOverlap(overlap).ShouldBeTrue();
        (await held.WaitAsync(Timeout)).ShouldBe(chunks[1]);
        for (var i = 2; i < 5; i++)
        {
            (await output.ReadAsync(CancellationToken.None).AsTask().WaitAsync(Timeout)).ShouldBe(chunks[i]);
        }
    }

    [Fact]
    public async Task An_interrupt_passes_a_paused_output_and_the_old_turns_audio_is_dropped()
    {
        using var turns = new TurnManager(CancellationToken.None);
        var reply = turns.BeginTurn();
        turns.ReplyStarted(reply);
        var data = Channel.CreateUnbounded<Frame>();
        var output = new PipelineOutput(data.Reader, turns);
        data.Writer.TryWrite(new AgentAudioFrame(reply, new AudioChunk(new byte[2], AudioFormat.Pcm16Mono16k)));
        var overlap = turns.BeginOverlap();
        var read = output.ReadAsync(CancellationToken.None).AsTask();

        turns.ConfirmOverlap(overlap).ShouldBeTrue();
        (await read.WaitAsync(Timeout)).ShouldBe(new InterruptFrame(reply));
        var next = new TranscriptFrame(overlap, "stop", IsFinal: true);
        data.Writer.TryWrite(next);
        (await output.ReadAsync(CancellationToken.None).AsTask().WaitAsync(Timeout)).ShouldBe(next);
    }
}
