using VoiceAgent.Pipeline.Vad;

namespace VoiceAgent.Pipeline.Tests.Vad;

public class VadEndpointerTests
{
    private const int FrameBytes = 960; // 30 ms at 16 kHz

    private static readonly VadEndpointerOptions Options = new() { FrameMs = 30, MinSpeechMs = 90, EndSilenceMs = 300, PreRollMs = 150, BargeInMs = 240 };

    [Fact]
    public void Speech_starts_after_min_speech_with_pre_roll_and_ends_after_end_silence()
    {
        var ep = new VadEndpointer(Options, FrameBytes);
        var events = new List<(int Frame, EndpointerEvent Event)>();
        byte[]? pending = null;
        // 10 silent frames tagged 1..10, 10 speech frames tagged 11..20, 15 silent frames.
        var pattern = Enumerable.Repeat(false, 10).Concat(Enumerable.Repeat(true, 10)).Concat(Enumerable.Repeat(false, 15)).ToArray();
        for (var i = 0; i < pattern.Length; i++)
        {
            var frame = Frame((byte)(i + 1));
            var ev = ep.Process(frame, pattern[i], agentActive: false);
            if (ev == EndpointerEvent.SpeechStarted)
            {
                pending = ep.PendingAudio.ToArray();
            }

            if (ev != EndpointerEvent.None)
            {
                events.Add((i, ev));
            }
        }

        // Started on the 3rd speech frame (90 ms), i.e. frame index 12.
        events[0].ShouldBe((12, EndpointerEvent.SpeechStarted));
        // Pending audio: 5 pre-roll frames (150 ms) + the 3 speech frames, oldest first.
        pending!.Length.ShouldBe(8 * FrameBytes);
        Enumerable.Range(0, 8).Select(k => pending[k * FrameBytes]).ShouldBe(new byte[] { 6, 7, 8, 9, 10, 11, 12, 13 });
        // Ended after 10 silent frames (300 ms): index 20 + 9 = 29.
        events[^1].ShouldBe((29, EndpointerEvent.SpeechEnded));
        events.Count(e => e.Event == EndpointerEvent.Speech).ShouldBe(29 - 12 - 1);
        ep.InSpeech.ShouldBeFalse();
    }

    [Fact]
    public void Short_noise_bursts_never_start_a_turn()
    {
        var ep = new VadEndpointer(Options, FrameBytes);
        for (var i = 0; i < 200; i++)
        {
            ep.Process(Frame(1), isSpeech: i % 3 != 2, agentActive: false).ShouldBe(EndpointerEvent.None);
        }
    }

    [Fact]
    public void While_the_agent_is_active_it_takes_barge_in_ms_to_start()
    {
        var ep = new VadEndpointer(Options, FrameBytes);
        var started = -1;
        for (var i = 0; i < 20 && started < 0; i++)
        {
            if (ep.Process(Frame(1), isSpeech: true, agentActive: true) == EndpointerEvent.SpeechStarted)
            {
                started = i;
            }
        }

        started.ShouldBe(7); // 8 frames × 30 ms = 240 ms
    }

    [Fact]
    public void A_pause_shorter_than_end_silence_keeps_the_turn()
    {
        var ep = new VadEndpointer(Options, FrameBytes);
        var pattern = Enumerable.Repeat(true, 5).Concat(Enumerable.Repeat(false, 9)).Concat(Enumerable.Repeat(true, 5)).ToArray();
        pattern.Select(s => ep.Process(Frame(1), s, false)).ShouldNotContain(EndpointerEvent.SpeechEnded);
        ep.InSpeech.ShouldBeTrue();
    }

    [Fact]
    public void Wrong_frame_size_and_bad_options_are_refused()
    {
        var ep = new VadEndpointer(Options, FrameBytes);
        Should.Throw<ArgumentException>(() => ep.Process(new byte[100], true, false));
        Should.Throw<ArgumentException>(() => new VadEndpointer(new VadEndpointerOptions { FrameMs = 25 }, FrameBytes));
    }

    private static byte[] Frame(byte tag)
    {
        var f = new byte[FrameBytes];
        f[0] = tag;
        return f;
    }
}
