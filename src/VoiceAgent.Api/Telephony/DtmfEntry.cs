namespace VoiceAgent.Api.Telephony;

/// <summary>
/// Collects the keys a caller presses into one entry: it is complete on <c>#</c>, or once no key has come for the
/// timeout. The entry reaches the LLM as the user's turn, written <c>[DTMF: 1234#]</c>.
/// </summary>
public sealed class DtmfEntry(TimeSpan timeout, TimeProvider time)
{
    private readonly System.Text.StringBuilder _digits = new();
    private long _lastKeyAt;

    /// <summary>Adds a key; returns the finished entry when it was <c>#</c>.</summary>
    public string? Add(string digit)
    {
        foreach (var c in digit)
        {
            if (c is (>= '0' and <= '9') or '*' or '#' or (>= 'A' and <= 'D'))
            {
                _digits.Append(c);
            }
        }

        _lastKeyAt = time.GetTimestamp();
        return digit == "#" ? Take() : null;
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
