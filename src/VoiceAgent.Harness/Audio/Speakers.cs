using System.Collections.Concurrent;
using VoiceAgent.Harness.Audio.PortAudio;

namespace VoiceAgent.Harness.Audio;

/// <summary>Plays PCM16 mono on the default speakers from a dedicated thread; <see cref="Flush"/> drops what is not yet played.</summary>
public sealed class Speakers : IDisposable
{
    // Agent speech arrives faster than real time; 2000 chunks (80 s of 40 ms) is plenty. Beyond that chunks are dropped
    // rather than stalling the receiver, which would also stall captions.
    private readonly BlockingCollection<short[]> _queue = new(boundedCapacity: 2000);
    private readonly PortAudioStream _stream;
    private readonly Thread _thread;

    public Speakers(int sampleRate)
    {
        _stream = PortAudioStream.OpenOutput(sampleRate, sampleRate / 50);
        _thread = new Thread(Play) { IsBackground = true, Name = "speakers" };
        _thread.Start();
    }

    public bool TryEnqueue(ReadOnlySpan<byte> pcm) => !_queue.IsAddingCompleted && _queue.TryAdd(Pipeline.Audio.Pcm16.ToSamples(pcm));

    /// <summary>The user interrupted: drop all queued speech.</summary>
    public void Flush()
    {
        while (_queue.TryTake(out _))
        {
        }
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        Flush();
        _thread.Join(TimeSpan.FromSeconds(2));
        _stream.Dispose();
        _queue.Dispose();
    }

    private void Play()
    {
        try
        {
            foreach (var samples in _queue.GetConsumingEnumerable())
            {
                _stream.Write(samples);
            }
        }
        catch (HarnessException)
        {
            // The device went away: playback stops, the call goes on.
        }
    }
}
