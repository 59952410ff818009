namespace VoiceAgent.Pipeline.Turns;

/// <summary>Numbers the turns of one session; items of an older turn than the current one are stale and dropped.</summary>
public readonly record struct TurnId(long Value) : IComparable<TurnId>
{
    public static TurnId None { get; } = new(0);

    public TurnId Next() => new(Value + 1);

    public int CompareTo(TurnId other) => Value.CompareTo(other.Value);

    public static bool operator <(TurnId left, TurnId right) => left.Value < right.Value;

    public static bool operator >(TurnId left, TurnId right) => left.Value > right.Value;

    public static bool operator <=(TurnId left, TurnId right) => left.Value <= right.Value;

    public static bool operator >=(TurnId left, TurnId right) => left.Value >= right.Value;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
