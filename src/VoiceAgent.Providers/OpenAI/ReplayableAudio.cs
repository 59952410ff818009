namespace VoiceAgent.Providers.OpenAI;

/// <summary>Reads an audio stream to its end once, so a retry or a fallback engine can be given the same bytes again.</summary>
internal static class ReplayableAudio
{
    public static async Task<ReadOnlyMemory<byte>> ReadAllAsync(Stream stream, CancellationToken cancellationToken)
    {
        // A stream we made ourselves (a retry, a fallback) is read without copying.
        if (stream is MemoryStream ms && ms.TryGetBuffer(out var buffer))
        {
            return buffer.AsMemory((int)ms.Position);
        }

        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, cancellationToken);
        return copy.GetBuffer().AsMemory(0, (int)copy.Length);
    }

    public static MemoryStream Open(ReadOnlyMemory<byte> audio) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(audio, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false, publiclyVisible: true)
            : new MemoryStream(audio.ToArray(), 0, audio.Length, writable: false, publiclyVisible: true);
}
