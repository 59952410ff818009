using System.Runtime.InteropServices;

namespace VoiceAgent.Harness.Audio.PortAudio;

/// <summary>
/// A blocking PCM16 mono stream on the default input or output device. The only user of <see cref="NativeMethods"/>:
/// initialises PortAudio for its own lifetime (PortAudio counts nested initialisations).
/// </summary>
public sealed class PortAudioStream : IDisposable
{
    private readonly PortAudioStreamHandle _handle;
    private bool _disposed;

    private PortAudioStream(PortAudioStreamHandle handle, int sampleRate)
    {
        _handle = handle;
        SampleRate = sampleRate;
    }

    public int SampleRate { get; }

    /// <summary>Opens the default microphone. Throws <see cref="HarnessException"/> when PortAudio or a device is missing.</summary>
    public static PortAudioStream OpenInput(int sampleRate, int framesPerBuffer) => Open(input: true, sampleRate, framesPerBuffer);

    /// <summary>Opens the default speakers. Throws <see cref="HarnessException"/> when PortAudio or a device is missing.</summary>
    public static PortAudioStream OpenOutput(int sampleRate, int framesPerBuffer) => Open(input: false, sampleRate, framesPerBuffer);

    /// <summary>Blocks until <paramref name="samples"/> is filled. An input overflow (samples lost) is not an error.</summary>
    public unsafe void Read(Span<short> samples)
    {
        fixed (short* p = samples)
        {
            var error = NativeMethods.ReadStream(_handle, p, new CULong((nuint)samples.Length));
            if (error != 0 && error != NativeMethods.InputOverflowed)
            {
                throw new HarnessException("Microphone read failed: " + NativeMethods.ErrorText(error));
            }
        }
    }

    /// <summary>Blocks until <paramref name="samples"/> is queued for playback. An underflow (a gap was heard) is not an error.</summary>
    public unsafe void Write(ReadOnlySpan<short> samples)
    {
        fixed (short* p = samples)
        {
            var error = NativeMethods.WriteStream(_handle, p, new CULong((nuint)samples.Length));
            if (error != 0 && error != NativeMethods.OutputUnderflowed)
            {
                throw new HarnessException("Playback failed: " + NativeMethods.ErrorText(error));
            }
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _handle.Dispose();
        _ = NativeMethods.Terminate(); // nothing useful to do if PortAudio fails to shut down
    }

    private static PortAudioStream Open(bool input, int sampleRate, int framesPerBuffer)
    {
        var what = input ? "microphone" : "speakers";
        int error;
        try
        {
            error = NativeMethods.Initialize();
        }
        catch (DllNotFoundException)
        {
            throw new HarnessException($"PortAudio is not installed, so the {what} cannot be used: install the Debian package libportaudio2 ({NativeMethods.Library}).");
        }

        if (error != 0)
        {
            throw new HarnessException("PortAudio cannot start: " + NativeMethods.ErrorText(error));
        }

        try
        {
            var device = input ? NativeMethods.GetDefaultInputDevice() : NativeMethods.GetDefaultOutputDevice();
            if (device == NativeMethods.NoDevice)
            {
                throw new HarnessException($"No {what} found: PortAudio sees no default {(input ? "input" : "output")} device on this machine.");
            }

            error = NativeMethods.OpenDefaultStream(out var raw, input ? 1 : 0, input ? 0 : 1, new CULong((nuint)NativeMethods.PaInt16), sampleRate, new CULong((nuint)framesPerBuffer), 0, 0);
            if (error != 0)
            {
                throw new HarnessException($"Cannot open the {what} at {sampleRate} Hz mono: {NativeMethods.ErrorText(error)}");
            }

            var handle = new PortAudioStreamHandle(raw);
            error = NativeMethods.StartStream(handle);
            if (error != 0)
            {
                handle.Dispose();
                throw new HarnessException($"Cannot start the {what}: {NativeMethods.ErrorText(error)}");
            }

            return new PortAudioStream(handle, sampleRate);
        }
        catch
        {
            _ = NativeMethods.Terminate(); // nothing useful to do if PortAudio fails to shut down
            throw;
        }
    }
}
