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
    private volatile bool _stopping;

    public Microphone(int sampleRate, int frameMs)
    {
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
                _frames.Writer.TryWrite(new CapturedFrame(samples, Client.CallSession.Now));
            }

            _frames.Writer.TryComplete();
        }
        catch (Exception ex)
        {
            _frames.Writer.TryComplete(ex);
        }
    }
}

/// <summary>One captured frame and when its last sample was read (a <see cref="Client.CallSession.Now"/> timestamp).</summary>
public sealed record CapturedFrame(short[] Samples, long CapturedAt);
