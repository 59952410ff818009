namespace VoiceAgent.Pipeline.Text;

/// <summary>
/// Cuts one streamed LLM reply into speakable sentences as the tokens arrive. One instance per reply
/// (call <see cref="Reset"/> or <see cref="Flush"/> to reuse it); not thread-safe.
/// </summary>
/// <remarks>
/// Every decision depends only on the text, never on where tokens happen to break it: a mark at the very end
/// of the buffer waits for one more character (or <see cref="Flush"/>) because a closing quote, another mark
/// ("?!", "...") or the space that makes a "." a full stop may still be on its way.
/// </remarks>
public sealed class SentenceSplitter
{
    private readonly SentenceSplitterOptions _options;
    private char[] _buffer = new char[256];
    private int _length;

    // The pending sentence starts at _start (leading whitespace already skipped); everything before _scan has
    // been decided as "no cut here".
    private int _start;
    private int _scan;
    private bool _emittedAny;

    public SentenceSplitter()
        : this(new SentenceSplitterOptions())
    {
    }

    public SentenceSplitter(SentenceSplitterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>Appends a token and adds every sentence it completes to <paramref name="sentences"/>.</summary>
    public void Append(ReadOnlySpan<char> token, List<string> sentences)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        if (token.IsEmpty)
        {
            return;
        }

        EnsureCapacity(_length + token.Length);
        token.CopyTo(_buffer.AsSpan(_length));
        _length += token.Length;
        Scan(sentences);
        Compact();
    }

    /// <summary>
    /// Ends the reply: returns what is left (trimmed), or null if only whitespace is left, and resets the
    /// splitter for the next reply.
    /// </summary>
    public string? Flush()
    {
        var rest = _buffer.AsSpan(_start, _length - _start).Trim();
        var sentence = rest.IsEmpty ? null : new string(rest);
        Reset();
        return sentence;
    }

    /// <summary>Drops any pending text (barge-in) and starts a new reply.</summary>
    public void Reset()
    {
        _length = 0;
        _start = 0;
        _scan = 0;
        _emittedAny = false;
    }

    private void Scan(List<string> sentences)
    {
        while (_scan < _length)
        {
            var c = _buffer[_scan];
            if (_scan == _start && char.IsWhiteSpace(c))
            {
                _start++;
                _scan++;
                continue;
            }

            if (_scan - _start >= _options.MaxSentenceChars)
            {
                ForceCut(sentences);
                continue;
            }

            if (TextChars.IsNewline(c))
            {
                _scan++;
                Emit(_scan - 1, sentences);
                continue;
            }

            if (!TextChars.IsMark(c))
            {
                _scan++;
                continue;
            }

            // A run of marks ("?!", "...") and the closers after it ("”", ")", "**") stay with the sentence.
            var end = _scan;
            var strong = false;
            var period = false;
            while (end < _length && TextChars.IsMark(_buffer[end]))
            {
                strong |= TextChars.IsStrongTerminator(_buffer[end]);
                period |= TextChars.IsPeriod(_buffer[end]);
                end++;
            }

            while (end < _length && TextChars.IsCloser(_buffer[end]))
            {
                end++;
            }

            if (end == _length)
            {
                return; // Undecided until the next character arrives, or Flush.
            }

            if (IsCut(_scan, end, strong, period))
            {
                Emit(end, sentences);
            }

            _scan = end;
        }
    }

    private bool IsCut(int mark, int end, bool strong, bool period)
    {
        var next = _buffer[end];
        var spaceAfter = char.IsWhiteSpace(next);
        var wordStart = WordStart(mark);
        var word = _buffer.AsSpan(wordStart, mark - wordStart);

        // Inside a URL "?", "." and ";" are part of the address; only a space after them ends the sentence.
        if (word.Contains("://", StringComparison.Ordinal) || word.StartsWith("www.", StringComparison.OrdinalIgnoreCase))
        {
            return spaceAfter && (strong || period);
        }

        if (strong)
        {
            // "![alt](url)" is a markdown image, not an exclamation.
            return !(_buffer[mark] == '!' && end == mark + 1 && next == '[');
        }

        var previous = mark > _start ? _buffer[mark - 1] : ' ';
        if (period)
        {
            if (TextChars.IsCjk(previous))
            {
                return true; // "好的……然后" has no space to wait for.
            }

            if (!spaceAfter)
            {
                return false; // 3.14, v1.2, e.g, example.com
            }

            var single = end - mark == 1 || !TextChars.IsPeriod(_buffer[mark + 1]);
            return !(single && WordRules.IsAbbreviation(word)) && !IsListMarker(word, wordStart);
        }

        return IsFirstClauseCut(mark, end, next, spaceAfter, previous);
    }

    private bool IsFirstClauseCut(int mark, int end, char next, bool spaceAfter, char previous)
    {
        if (_emittedAny || !_options.FirstClauseOnComma)
        {
            return false;
        }

        var c = _buffer[mark];
        if (char.IsAsciiDigit(previous) && char.IsAsciiDigit(next))
        {
            return false; // 1,000 or 1，000 or 10:30
        }

        if (!spaceAfter && !TextChars.IsFullWidthClauseMark(c))
        {
            return false; // "a,b" is not a clause break; Latin commas are followed by a space.
        }

        var clause = _buffer.AsSpan(_start, end - _start);
        return TextChars.ContainsCjk(clause) || WordRules.CountWords(clause) >= _options.FirstClauseMinWords;
    }

    // "1. Install" at the start of a line is a list item, not a sentence.
    private bool IsListMarker(ReadOnlySpan<char> word, int wordStart) =>
        wordStart == _start && !word.IsEmpty && word.Length <= 3 && word.IndexOfAnyExceptInRange('0', '9') < 0;

    private int WordStart(int mark)
    {
        var i = mark;
        while (i > _start && !char.IsWhiteSpace(_buffer[i - 1]))
        {
            i--;
        }

        while (i < mark && TextChars.IsOpener(_buffer[i]))
        {
            i++;
        }

        return i;
    }

    // The sentence reached MaxSentenceChars without a mark: cut at a clause break in its second half if it has
    // one (better prosody), else at its last space, else hard (CJK without punctuation, a giant URL).
    private void ForceCut(List<string> sentences)
    {
        var limit = _start + _options.MaxSentenceChars;
        var cut = -1;
        for (var i = limit - 1; i > _start + (_options.MaxSentenceChars / 2) && cut < 0; i--)
        {
            var c = _buffer[i];
            if (TextChars.IsFullWidthClauseMark(c) || (char.IsWhiteSpace(c) && _buffer[i - 1] is ',' or ';' or ':'))
            {
                cut = i + 1;
            }
        }

        for (var i = limit - 1; i > _start && cut < 0; i--)
        {
            if (char.IsWhiteSpace(_buffer[i]))
            {
                cut = i;
            }
        }

        Emit(cut < 0 ? limit : cut, sentences);
    }

    private void Emit(int end, List<string> sentences)
    {
        var sentence = _buffer.AsSpan(_start, end - _start).Trim();
        if (!sentence.IsEmpty)
        {
            sentences.Add(new string(sentence));
            _emittedAny = true;
        }

        // Whitespace already scanned is not part of the next sentence (it would hide a list marker's line start).
        _start = end;
        while (_start < _scan && char.IsWhiteSpace(_buffer[_start]))
        {
            _start++;
        }
    }

    private void Compact()
    {
        if (_start == 0)
        {
            return;
        }

        _buffer.AsSpan(_start, _length - _start).CopyTo(_buffer);
        _length -= _start;
        _scan -= _start;
        _start = 0;
    }

    private void EnsureCapacity(int needed)
    {
        if (needed > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(needed, _buffer.Length * 2));
        }
    }
}
