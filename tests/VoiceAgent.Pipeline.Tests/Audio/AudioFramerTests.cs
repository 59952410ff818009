using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Pipeline.Tests.Audio;

public class AudioFramerTests
{
    [Fact]
    public void Chunks_of_any_size_become_fixed_frames_in_order_and_back()
    {
        var source = Enumerable.Range(0, 10_000).Select(i => (byte)(i * 7)).ToArray();
        var framer = new AudioFramer(960);
        var rng = new Random(42);
        var frames = new List<byte[]>();
        for (var pos = 0; pos < source.Length;)
        {
            var n = Math.Min(rng.Next(0, 3000), source.Length - pos);
            framer.Append(source.AsSpan(pos, n));
            pos += n;
            while (framer.TryReadFrame(out var f))
            {
                f.Length.ShouldBe(960);
                frames.Add(f.ToArray());
            }
        }

        var rest = framer.TakeRemainder();
        frames.Count.ShouldBe(10_000 / 960);
        rest.Length.ShouldBe(10_000 % 960);
        frames.SelectMany(f => f).Concat(rest).ToArray().ShouldBe(source);

        // And back: the frames re-chunked at another size give the same stream.
        var back = new AudioFramer(1280);
        var rebuilt = new List<byte>();
        foreach (var f in frames)
        {
            back.Append(f);
            while (back.TryReadFrame(out var c))
            {
                rebuilt.AddRange(c.ToArray());
            }
        }

        back.Append(rest);
        rebuilt.AddRange(back.TakeRemainder());
        rebuilt.ToArray().ShouldBe(source);
    }

    [Fact]
    public void Nothing_comes_out_before_a_whole_frame()
    {
        var framer = new AudioFramer(4);
        framer.Append([1, 2, 3]);
        framer.TryReadFrame(out _).ShouldBeFalse();
        framer.Buffered.ShouldBe(3);
        framer.Append([4]);
        framer.TryReadFrame(out var f).ShouldBeTrue();
        f.ToArray().ShouldBe(new byte[] { 1, 2, 3, 4 });
    }
}
