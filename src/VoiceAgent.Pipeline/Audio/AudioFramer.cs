namespace VoiceAgent.Pipeline.Audio;

/// <summary>
/// Cuts a byte stream arriving in chunks of any size into frames of one fixed size (VAD frames in, 40 ms chunks out).
/// Allocation-free once its buffer has grown to the largest chunk seen.
/// </summary>
public sealed class AudioFramer
{
    private byte[] _buffer;
    private int _start;
    private int _end;

    public AudioFramer(int frameBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameBytes);
        FrameBytes = frameBytes;
        _buffer = new byte[frameBytes * 4];
    }

    public int FrameBytes { get; }

    /// <summary>Bytes held that do not yet make a whole frame (or whole frames not yet read).</summary>
    public int Buffered => _end - _start;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        if (_end + data.Length > _buffer.Length)
        {
            Compact(data.Length);
        }

        data.CopyTo(_buffer.AsSpan(_end));
        _end += data.Length;
    }

    /// <summary>Returns the next whole frame; the span is valid until the next <see cref="Append"/>.</summary>
    public bool TryReadFrame(out ReadOnlySpan<byte> frame)
    {
        if (_end - _start < FrameBytes)
        {
            frame = default;
            return false;
        }

        frame = _buffer.AsSpan(_start, FrameBytes);
        _start += FrameBytes;
        if (_start == _end)
        {
            _start = _end = 0;
        }

        return true;
    }

    /// <summary>Takes whatever is left (shorter than a frame) at the end of a stream.</summary>
    public byte[] TakeRemainder()
    {
        var rest = _buffer.AsSpan(_start, _end - _start).ToArray();
        _start = _end = 0;
        return rest;
    }

    public void Clear() => _start = _end = 0;

    private void Compact(int incoming)
    {
        var held = _end - _start;
        if (held + incoming > _buffer.Length)
        {
            var bigger = new byte[Math.Max(_buffer.Length * 2, held + incoming)];
            _buffer.AsSpan(_start, held).CopyTo(bigger);
            _buffer = bigger;
        }
        else
        {
            _buffer.AsSpan(_start, held).CopyTo(_buffer);
        }

        _start = 0;
        _end = held;
    }
}
