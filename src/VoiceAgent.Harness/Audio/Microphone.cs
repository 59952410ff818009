using System.Threading.Channels;
using VoiceAgent.Harness.Audio.PortAudio;

namespace VoiceAgent.Harness.Audio;

/// <summary>Captures 16 kHz mono PCM16 from the default microphone on a dedicated thread, in frames of a fixed length.</summary>
public sealed class Microphone : IDisposable
{
    // Live capture: when the sender falls behind, dropping the oldest frame is better than growing latency.
    private readonly Channel<CapturedFrame> _frames = Channel.CreateBounded<CapturedFrame>(new BoundedChannelOptions(50) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true });
    private readonly PortAudioStream _stream;
    private readonly Thread _thread;
    private readonly int _frameSamples;
    private readonly TimeProvider _time;
    private volatile bool _stopping;

    /// <param name="time">The clock of each frame's <see cref="CapturedFrame.CapturedAt"/>: the call session's.</param>
    public Microphone(int sampleRate, int frameMs, TimeProvider time)
    {
        _time = time;
        _frameSamples = sampleRate * frameMs / 1000;
        _stream = PortAudioStream.OpenInput(sampleRate, _frameSamples);
        _thread = new Thread(Capture) { IsBackground = true, Name = "microphone" };
        _thread.Start();
    }

    public ChannelReader<CapturedFrame> Frames => _frames.Reader;

    public void Dispose()
    {
        _stopping = true;
        _thread.Join(TimeSpan.FromSeconds(2));
        _stream.Dispose();
    }

    private void Capture()
    {
        try
        {
            while (!_stopping)
            {
                var samples = new short[_frameSamples];
                _stream.Read(samples);
                _frames.Writer.TryWrite(new CapturedFrame(samples, _time.GetTimestamp()));
            }

            _frames.Writer.TryComplete();
        }
        catch (Exception ex)
        {
            _frames.Writer.TryComplete(ex);
        }
    }
}

/// <summary>One captured frame and when its last sample was read (a timestamp of the microphone's clock).</summary>
public sealed record CapturedFrame(short[] Samples, long CapturedAt);
