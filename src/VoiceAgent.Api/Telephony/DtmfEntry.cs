namespace VoiceAgent.Api.Telephony;

/// <summary>
/// Collects the keys a caller presses into one entry: it is complete on <c>#</c>, or once no key has come for the
/// timeout. The entry reaches the LLM as the user's turn, written <c>[DTMF: 1234#]</c>.
/// </summary>
public sealed class DtmfEntry(TimeSpan timeout, TimeProvider time)
{
    private readonly System.Text.StringBuilder _digits = new();
    private long _lastKeyAt;

    /// <summary>The longest entry: a longer run of keys is cut into entries of this size, so no peer grows it without bound.</summary>
    public const int MaxKeys = 64;

    /// <summary>Adds a key; returns the finished entry when it was <c>#</c> or the entry is full.</summary>
    public string? Add(string digit)
    {
        _lastKeyAt = time.GetTimestamp();
        var complete = false;
        foreach (var c in digit.AsSpan(0, Math.Min(digit.Length, MaxKeys)))
        {
            if (c is (>= '0' and <= '9') or '*' or '#' or (>= 'A' and <= 'D'))
            {
                _digits.Append(c);
                complete |= c == '#' || _digits.Length >= MaxKeys;
                if (complete)
                {
                    break;
                }
            }
        }

        return complete ? Take() : null;
    }

    /// <summary>The finished entry when the caller has paused long enough, else null.</summary>
    public string? Poll() => _digits.Length > 0 && time.GetElapsedTime(_lastKeyAt) >= timeout ? Take() : null;

    private string? Take()
    {
        if (_digits.Length == 0)
        {
            return null;
        }

        var text = $"[DTMF: {_digits}]";
        _digits.Clear();
        return text;
    }
}
