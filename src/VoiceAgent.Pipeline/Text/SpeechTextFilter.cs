namespace VoiceAgent.Pipeline.Text;

/// <summary>
/// Drops fenced code blocks (``` or ~~~) from a raw LLM token stream, before sentence splitting, even when
/// the fences and the code are split across tokens. One instance per reply; not thread-safe.
/// </summary>
/// <remarks>
/// Code cannot be spoken usefully, and a block spans many streamed sentences, so a per-sentence cleaner cannot
/// see both fences. A run of 3+ fence characters opens a block and a run of 3+ of the same character closes it;
/// everything in between (info string included) is dropped. Opening a block emits a newline so the sentence
/// before it is cut at once instead of waiting for the code to finish streaming. Shorter runs (inline `code`,
/// ~~strike~~) pass through for <see cref="SpeechTextCleaner"/>. Usage:
/// <c>splitter.Append(filter.Filter(token), sentences)</c>, and at the end
/// <c>splitter.Append(filter.Flush(), sentences)</c> then <c>splitter.Flush()</c>.
/// </remarks>
public sealed class SpeechTextFilter
{
    private char[] _output = new char[64];
    private int _written;

    // A run of fence characters at the end of a token is undecided: the next token may make it a fence.
    private char _runChar;
    private int _runLength;
    private char _fenceChar; // '\0' when outside a code block.

    /// <summary>True while inside a fenced code block.</summary>
    public bool InCodeBlock => _fenceChar != '\0';

    /// <summary>
    /// Returns the speakable part of <paramref name="token"/>. The span points into an internal buffer and is
    /// valid until the next call.
    /// </summary>
    public ReadOnlySpan<char> Filter(ReadOnlySpan<char> token)
    {
        // Held run + token + the newline a fence may add.
        EnsureCapacity(_runLength + token.Length + 1);
        _written = 0;
        foreach (var c in token)
        {
            if (c is '`' or '~')
            {
                if (c != _runChar)
                {
                    EndRun();
                    _runChar = c;
                }

                _runLength++;
                continue;
            }

            EndRun();
            if (!InCodeBlock)
            {
                _output[_written++] = c;
            }
        }

        return _output.AsSpan(0, _written);
    }

    /// <summary>Ends the stream: returns any held-back text and resets for the next reply.</summary>
    public ReadOnlySpan<char> Flush()
    {
        EnsureCapacity(_runLength + 1);
        _written = 0;
        EndRun();
        var rest = _output.AsSpan(0, _written);
        _fenceChar = '\0';
        return rest;
    }

    /// <summary>Forgets any open code block and held-back text (barge-in, new reply).</summary>
    public void Reset()
    {
        _written = 0;
        _runChar = '\0';
        _runLength = 0;
        _fenceChar = '\0';
    }

    private void EndRun()
    {
        if (_runLength == 0)
        {
            return;
        }

        if (_runLength >= 3 && (!InCodeBlock || _runChar == _fenceChar))
        {
            var opening = !InCodeBlock;
            _fenceChar = opening ? _runChar : '\0';
            if (opening)
            {
                _output[_written++] = '\n';
            }
        }
        else if (!InCodeBlock)
        {
            _output.AsSpan(_written, _runLength).Fill(_runChar);
            _written += _runLength;
        }

        _runChar = '\0';
        _runLength = 0;
    }

    private void EnsureCapacity(int needed)
    {
        if (needed > _output.Length)
        {
            Array.Resize(ref _output, Math.Max(needed, _output.Length * 2));
        }
    }
}
