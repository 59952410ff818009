using Microsoft.Win32.SafeHandles;

namespace VoiceAgent.Harness.Audio.PortAudio;

/// <summary>An open PortAudio stream; closing it also stops it.</summary>
internal sealed class PortAudioStreamHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public PortAudioStreamHandle()
        : base(ownsHandle: true)
    {
    }

    public PortAudioStreamHandle(nint handle)
        : base(ownsHandle: true) => SetHandle(handle);

    protected override bool ReleaseHandle() => NativeMethods.CloseStream(handle) == 0;
}
