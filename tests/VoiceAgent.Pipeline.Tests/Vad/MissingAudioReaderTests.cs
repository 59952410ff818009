using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Vad;

namespace VoiceAgent.Pipeline.Tests.Vad;

public class MissingAudioReaderTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new();

    private readonly Channel<Frame> _input = Channel.CreateUnbounded<Frame>();

    [Fact]
    public async Task Audio_that_does_not_come_by_the_due_time_yields_one_check_and_reading_goes_on_after_it()
    {
        using var reader = new MissingAudioReader(_input.Reader, () => TimeSpan.FromMilliseconds(300), _time);
        var waiting = reader.WaitToReadAsync().AsTask();
        waiting.IsCompleted.ShouldBeFalse();

        _time.Advance(TimeSpan.FromMilliseconds(300));
        (await waiting.WaitAsync(Timeout)).ShouldBeTrue();
        reader.TryRead(out var check).ShouldBeTrue();
        check.ShouldBeOfType<MissingAudioCheck>();
        reader.TryRead(out _).ShouldBeFalse();

        // The next wait (on a fresh token source) ends with the audio, not with another check.
        var next = reader.WaitToReadAsync().AsTask();
        var audio = new InputAudioFrame(new AudioChunk(new byte[640], AudioFormat.Pcm16Mono16k));
        _input.Writer.TryWrite(audio).ShouldBeTrue();
        (await next.WaitAsync(Timeout)).ShouldBeTrue();
        reader.TryRead(out var frame).ShouldBeTrue();
        frame.ShouldBeSameAs(audio);
    }

    [Fact]
    public async Task Audio_in_time_disarms_the_timer_so_no_check_follows_it()
    {
        using var reader = new MissingAudioReader(_input.Reader, () => TimeSpan.FromMilliseconds(300), _time);
        for (var i = 0; i < 3; i++)
        {
            var waiting = reader.WaitToReadAsync().AsTask();
            _time.Advance(TimeSpan.FromMilliseconds(200));
            _input.Writer.TryWrite(new EndOfInputFrame()).ShouldBeTrue();
            (await waiting.WaitAsync(Timeout)).ShouldBeTrue();
            reader.TryRead(out var frame).ShouldBeTrue();
            frame.ShouldBeOfType<EndOfInputFrame>();
        }

        _time.Advance(TimeSpan.FromSeconds(5));
        reader.TryRead(out _).ShouldBeFalse();
    }

    [Fact]
    public async Task The_end_of_the_stage_ends_the_wait_as_a_cancellation_not_as_a_check()
    {
        using var reader = new MissingAudioReader(_input.Reader, () => TimeSpan.FromMilliseconds(300), _time);
        using var stage = new CancellationTokenSource();
        var waiting = reader.WaitToReadAsync(stage.Token).AsTask();
        await stage.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(waiting.WaitAsync(Timeout));
        reader.TryRead(out _).ShouldBeFalse();
    }
}
