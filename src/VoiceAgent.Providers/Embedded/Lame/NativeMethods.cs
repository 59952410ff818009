using System.Runtime.InteropServices;

namespace VoiceAgent.Providers.Embedded.Lame;

/// <summary>The parts of LAME 3.100 (lame.h, Debian libmp3lame0) a streaming mono MP3 encoder needs.</summary>
internal static partial class NativeMethods
{
    // The versioned name needs no -dev package at run time.
    internal const string Library = "libmp3lame.so.0";

    internal const string DebianPackage = "libmp3lame0";

    // MPEG_mode: MONO = 3.
    internal const int Mono = 3;

    [LibraryImport(Library)]
    internal static partial LameHandle lame_init();

    [LibraryImport(Library)]
    internal static partial int lame_set_in_samplerate(LameHandle lame, int rate);

    [LibraryImport(Library)]
    internal static partial int lame_set_out_samplerate(LameHandle lame, int rate);

    [LibraryImport(Library)]
    internal static partial int lame_set_num_channels(LameHandle lame, int channels);

    [LibraryImport(Library)]
    internal static partial int lame_set_mode(LameHandle lame, int mode);

    [LibraryImport(Library)]
    internal static partial int lame_set_brate(LameHandle lame, int kbps);

    /// <summary>0 best and slowest .. 9 worst and fastest; 5 is LAME's own "good speed" default for speech-sized work.</summary>
    [LibraryImport(Library)]
    internal static partial int lame_set_quality(LameHandle lame, int quality);

    // The Xing/Info tag is a placeholder frame that only a seekable file can fill in at the end; a stream never can.
    [LibraryImport(Library)]
    internal static partial int lame_set_bWriteVbrTag(LameHandle lame, int write);

    /// <summary>Checks and applies the settings; &lt; 0 when they are invalid.</summary>
    [LibraryImport(Library)]
    internal static partial int lame_init_params(LameHandle lame);

    /// <summary>Encodes samples (the right channel is ignored in mono); returns bytes written to <paramref name="mp3"/>, &lt; 0 on error.</summary>
    [LibraryImport(Library)]
    internal static unsafe partial int lame_encode_buffer(LameHandle lame, short* left, short* right, int samples, byte* mp3, int mp3Size);

    /// <summary>Encodes what is buffered (LAME looks ahead about one frame) and pads the last frame.</summary>
    [LibraryImport(Library)]
    internal static unsafe partial int lame_encode_flush(LameHandle lame, byte* mp3, int mp3Size);

    [LibraryImport(Library)]
    internal static partial int lame_close(nint lame);
}
